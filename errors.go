// Package gongzhi holds the domain of Gongzhi: the records of the governance community, their
// validation rules, the roles and their scopes, and the error codes every layer shares. It imports
// no database driver and no net/http; storage and HTTP are adapters around it.
package gongzhi

import (
	"errors"
	"fmt"
	"maps"
	"sort"
	"strings"
)

// Error codes, mapped to HTTP statuses once, in the web package.
const (
	EINVALID      = "invalid"      // the input is wrong; Fields says where and why
	EBADREQUEST   = "bad_request"  // the request is malformed (a body sent to an action that takes none); Fields says where
	ENOTFOUND     = "not_found"    // no such record, or the caller may not see it (the two look the same)
	ECONFLICT     = "conflict"     // a unique value is taken, or the record changed underneath
	EUNAUTHORIZED = "unauthorized" // not signed in, or wrong credentials
	EFORBIDDEN    = "forbidden"    // signed in, but this role may not do this
	ETOOLARGE     = "too_large"    // the body or upload is larger than allowed
	ETOOMANY      = "too_many"     // throttled or locked out; try later
	EBUSY         = "busy"         // the server has more reads waiting than it can take; try again in a moment
	EINTERNAL     = "internal"     // a bug or an outage; details go to the log only
)

// Error is the one error type that crosses layers. Message and the values of Fields are message
// keys of the web package's catalogue ("key" or "key:arg"); the web layer translates them.
// Err, if set, is the underlying cause and is logged, never shown.
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
	// Links says, by field, where the rule that refused the field's value is kept and can be
	// changed (a page path: a category's price range is edited at /catalog/CODE/edit): pages link
	// to it beside the error, the API returns it.
	Links map[string]string
	Err   error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Code)
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if len(e.Fields) > 0 {
		keys := make([]string, 0, len(e.Fields))
		for k := range e.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, " [%s: %s]", k, e.Fields[k])
		}
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// NotFound is what a caller gets for a missing record and for one outside its scope alike.
func NotFound() *Error { return &Error{Code: ENOTFOUND, Message: "err.not_found"} }

// Forbidden is returned when the caller's role may not perform the action at all.
func Forbidden() *Error { return &Error{Code: EFORBIDDEN, Message: "err.forbidden"} }

// Internal wraps an unexpected error; its text is logged and never shown.
func Internal(err error) *Error { return &Error{Code: EINTERNAL, Message: "err.internal", Err: err} }

// FieldErrors collects per-field reasons while validating a record.
type FieldErrors map[string]string

// Add records the first reason for a field.
func (f FieldErrors) Add(field, reason string) {
	if _, ok := f[field]; !ok {
		f[field] = reason
	}
}

// Merge adds the field reasons of err, a refusal naming fields (EINVALID, or ECONFLICT for a
// taken value), to f, keeping each field's first reason, so that a check made of several parts
// reports every failed field at once. It returns any other error (nil included) unchanged for
// the caller to return: merged refusals come back as nil.
func (f FieldErrors) Merge(err error) error {
	var e *Error
	if err == nil || !errors.As(err, &e) || len(e.Fields) == 0 || (e.Code != EINVALID && e.Code != ECONFLICT) {
		return err
	}
	for k, v := range e.Fields {
		f.Add(k, v)
	}
	return nil
}

// Err returns nil when no field failed, or an EINVALID *Error naming every failed field.
func (f FieldErrors) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: EINVALID, Message: "err.invalid", Fields: maps.Clone(map[string]string(f))}
}

// Invalid returns an EINVALID error for one field.
func Invalid(field, reason string) *Error {
	return &Error{Code: EINVALID, Message: "err.invalid", Fields: map[string]string{field: reason}}
}

// ErrorCode returns the code of err, EINTERNAL for errors that are not *Error, "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// AsError returns err as an *Error, wrapping unknown errors as internal ones.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return Internal(err)
}

// Checks collects the refusals of a record's checks made one after another (its Validate, then
// its references): each check's field refusal is kept and the checks go on, so that every
// failed field is named at once. A field that failed is not checked again (Failed).
type Checks struct {
	fields   FieldErrors
	links    map[string]string // Error.Links of the refusals
	conflict *Error            // the first refusal, while every refusal so far was ECONFLICT
}

// Check keeps the field reasons of err, a refusal naming fields (EINVALID, or ECONFLICT for a
// value taken or refused as things stand), and returns nil; any other error (nil included) is
// returned unchanged for the caller to return.
func (c *Checks) Check(err error) error {
	var e *Error
	if err == nil || !errors.As(err, &e) || len(e.Fields) == 0 || (e.Code != EINVALID && e.Code != ECONFLICT) {
		return err
	}
	if c.fields == nil {
		c.fields = FieldErrors{}
		if e.Code == ECONFLICT {
			c.conflict = e
		}
	} else if e.Code != ECONFLICT {
		c.conflict = nil
	}
	for k, v := range e.Fields {
		c.fields.Add(k, v)
	}
	for k, v := range e.Links {
		if c.links == nil {
			c.links = map[string]string{}
		}
		c.links[k] = v
	}
	return nil
}

// Failed tells whether field has failed a check.
func (c *Checks) Failed(field string) bool { _, ok := c.fields[field]; return ok }

// Err returns nil when every check passed; otherwise an error naming every failed field:
// ECONFLICT when every refusal was one (with the first one's message), else EINVALID.
func (c *Checks) Err() error {
	if len(c.fields) == 0 {
		return nil
	}
	if c.conflict != nil {
		return &Error{Code: ECONFLICT, Message: c.conflict.Message, Fields: maps.Clone(map[string]string(c.fields)), Links: maps.Clone(c.links)}
	}
	err := c.fields.Err()
	if e, ok := err.(*Error); ok && len(c.links) > 0 {
		e.Links = maps.Clone(c.links)
	}
	return err
}
