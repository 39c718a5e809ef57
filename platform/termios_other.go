//go:build !linux && !darwin

package platform

// SaveTerminal does nothing here: there are no terminal modes to restore.
func SaveTerminal() (restore func() error) { return func() error { return nil } }
