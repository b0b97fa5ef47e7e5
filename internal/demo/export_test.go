package demo

// ActorOf is actor for the package's external tests (gridevents_test.go): a demo account as a
// scoped actor.
var ActorOf = actor
