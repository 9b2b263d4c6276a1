// Placeholder from the protocols branch so the test target has a source file; delete once the
// target has real tests.
