// API token scopes. A token acts as its account, within its account's role and place or
// organization, and never beyond them; its scope narrows that further:
//
//   - read:  reads only (GET and HEAD); every other API request is refused with 403
//     (err.token_read_only), whatever the account's role allows.
//   - write: reads and writes, as the account may; it cannot make, list beyond itself or
//     revoke tokens.
//   - full:  everything the account may through the API, making tokens included: a token it
//     makes is never wider than itself (a scope it covers, an expiry no later than its own).
//
// A signed-in session and the command line have the full scope.

package gongzhi

const (
	TokenRead  = "read"
	TokenWrite = "write"
	TokenFull  = "full"
)

// TokenScopes lists the scopes from the narrowest to the widest.
var TokenScopes = []string{TokenRead, TokenWrite, TokenFull}

// scopeRank orders the scopes; 0 is not a scope.
func scopeRank(s string) int {
	for i, x := range TokenScopes {
		if x == s {
			return i + 1
		}
	}
	return 0
}

// ValidTokenScope reports whether s names a scope.
func ValidTokenScope(s string) bool { return scopeRank(s) > 0 }

// ScopeCovers reports whether a token of scope outer may make a token of scope inner: inner is
// no wider than outer.
func ScopeCovers(outer, inner string) bool {
	return ValidTokenScope(outer) && ValidTokenScope(inner) && scopeRank(inner) <= scopeRank(outer)
}

// TokenScope is the scope the actor acts with: its token's, or full for a session and the
// command line ("" for the anonymous caller).
func (a *Actor) TokenScope() string {
	switch {
	case a == nil || a.User == nil:
		return ""
	case a.Token != nil:
		return a.Token.Scope
	}
	return TokenFull
}

// ScopeAllows reports whether the actor's token scope lets it make a request of this HTTP
// method: a read token only reads. (What the request may then do is its role's rules.)
func (a *Actor) ScopeAllows(method string) bool {
	if a.TokenScope() == TokenRead {
		return method == "GET" || method == "HEAD"
	}
	return true
}
