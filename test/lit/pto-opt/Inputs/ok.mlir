func.func @f() {
  pto.spmd %t = 0 to 4 name "s" {
  }
  func.return
}
