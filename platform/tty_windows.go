package platform

// TerminalForeground is false on Windows: there are no process groups to
// hand a console to.
func TerminalForeground() bool { return false }

// RestoreForeground does nothing on Windows.
func RestoreForeground() error { return nil }
