// An input that xdsl parses slowly (a 1.2 MB dense literal of 240k elements takes
// ~10 s): --parse-timeout gives up with a clean error, and no output file is written.
// RUN: python3 -c "n = 240000; print('func.func @f() {\n  %%a = arith.constant dense<[' + ', '.join(['1.5'] * n) + ']> : tensor<%%dxf32>\n  func.return\n}' %% n)" > %t.big.mlir
// RUN: echo keep-me > %t.out
// RUN: not pto-opt %t.big.mlir --parse-timeout 1 -o %t.out 2>&1 | filecheck %s
// RUN: filecheck --check-prefix=KEEP --input-file %t.out %s
// CHECK-NOT: Traceback
// CHECK: pto-opt: error: {{.*}}.big.mlir: parsing did not finish within 1 s; the input is malformed or too large (see --parse-timeout)
// CHECK-NOT: Traceback
// KEEP: keep-me
// A bad --parse-timeout value is a usage error, not a crash (signal.alarm overflowed).
// RUN: not pto-opt %s --parse-timeout 99999999999999 2>&1 | filecheck --check-prefix=RANGE %s
// RANGE: pto-opt: error: argument --parse-timeout: 99999999999999 is not between 0 (no limit) and 1000000
// RUN: not pto-opt %s --parse-timeout abc 2>&1 | filecheck --check-prefix=NAN %s
// NAN: pto-opt: error: argument --parse-timeout: expected a number of seconds, got 'abc'
