package publog

// ResetWake forgets the records committed so far, and a pending wake-up of the integration loop.
func ResetWake() {
	appended.Store(0)
	select {
	case <-wake:
	default:
	}
}
