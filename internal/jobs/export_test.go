package jobs

// OptionsForTest are Options for tests: River starts without its production start-up jitter.
func OptionsForTest() Options { return Options{testOnly: true} }
