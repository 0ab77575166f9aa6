package telegraph

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Sentinel errors, checked with errors.Is. The validators and the Client
// return them wrapped; an *Error whose Telegraph answer is the matching
// code (Error.Code) matches them too.
var (
	// ErrNoToken is returned by the calls that need an access token
	// (CreatePage, EditPage) when the Client has none.
	ErrNoToken = errors.New("no access token (CreateAccount makes one)")
	// ErrFlood is Telegraph's flood control, FLOOD_WAIT_N: wait
	// Error.RetryAfter.
	ErrFlood = errors.New("flood control (FLOOD_WAIT)")
	// ErrAccessTokenInvalid is ACCESS_TOKEN_INVALID: the token is wrong or
	// was revoked.
	ErrAccessTokenInvalid = errors.New("access token invalid (ACCESS_TOKEN_INVALID)")
	// ErrPageNotFound is PAGE_NOT_FOUND: no page has the path.
	ErrPageNotFound = errors.New("page not found (PAGE_NOT_FOUND)")
	// ErrPageAccessDenied is PAGE_ACCESS_DENIED: the page belongs to
	// another account.
	ErrPageAccessDenied = errors.New("page belongs to another account (PAGE_ACCESS_DENIED)")
	// ErrContentRequired is CONTENT_REQUIRED: the content is empty.
	ErrContentRequired = errors.New("content required (CONTENT_REQUIRED)")
	// ErrContentTextRequired is CONTENT_TEXT_REQUIRED: no node holds text.
	ErrContentTextRequired = errors.New("content holds no text (CONTENT_TEXT_REQUIRED)")
	// ErrContentTooBig is CONTENT_TOO_BIG: over MaxContentSize.
	ErrContentTooBig = errors.New("content over 64 KB (CONTENT_TOO_BIG)")
	// ErrTagNotAllowed is a tag Telegraph does not allow (TAG_NOT_ALLOWED).
	ErrTagNotAllowed = errors.New("tag not allowed (TAG_NOT_ALLOWED)")
	// ErrAttrNotAllowed is an attribute other than href and src
	// (ATTR_NOT_ALLOWED).
	ErrAttrNotAllowed = errors.New("attribute not allowed (ATTR_NOT_ALLOWED)")
	// ErrTitleRequired is TITLE_REQUIRED: an empty title.
	ErrTitleRequired = errors.New("title required (TITLE_REQUIRED)")
	// ErrTitleTooLong is TITLE_TOO_LONG: over MaxTitle characters.
	ErrTitleTooLong = errors.New("title over 256 characters (TITLE_TOO_LONG)")
	// ErrAuthorNameTooLong is AUTHOR_NAME_TOO_LONG: over MaxAuthorName.
	ErrAuthorNameTooLong = errors.New("author name over 128 characters (AUTHOR_NAME_TOO_LONG)")
	// ErrAuthorURLTooLong is AUTHOR_URL_TOO_LONG: over MaxAuthorURL.
	ErrAuthorURLTooLong = errors.New("author URL over 512 characters (AUTHOR_URL_TOO_LONG)")
)

// codes are Telegraph's error strings with the sentinel each matches.
var codes = map[string]error{
	"ACCESS_TOKEN_INVALID":  ErrAccessTokenInvalid,
	"PAGE_NOT_FOUND":        ErrPageNotFound,
	"PAGE_ACCESS_DENIED":    ErrPageAccessDenied,
	"CONTENT_REQUIRED":      ErrContentRequired,
	"CONTENT_TEXT_REQUIRED": ErrContentTextRequired,
	"CONTENT_TOO_BIG":       ErrContentTooBig,
	"TAG_NOT_ALLOWED":       ErrTagNotAllowed,
	"ATTR_NOT_ALLOWED":      ErrAttrNotAllowed,
	"TITLE_REQUIRED":        ErrTitleRequired,
	"TITLE_TOO_LONG":        ErrTitleTooLong,
	"AUTHOR_NAME_TOO_LONG":  ErrAuthorNameTooLong,
	"AUTHOR_URL_TOO_LONG":   ErrAuthorURLTooLong,
}

// transientCodes are Telegraph's answers that another try may not get.
var transientCodes = map[string]bool{
	"PAGE_SAVE_FAILED": true,
	"INTERNAL_ERROR":   true,
}

// A Class says what a caller does about a failed call.
type Class int

// The classes of Telegraph's answers and of transport failures.
const (
	// ClassNone is the class of a nil error.
	ClassNone Class = iota
	// ClassFlood is FLOOD_WAIT_N (or an HTTP 429): make no call for
	// Error.RetryAfter.
	ClassFlood
	// ClassBadRequest is a call Telegraph refused and will refuse again:
	// CONTENT_TOO_BIG, PAGE_NOT_FOUND, ACCESS_TOKEN_INVALID… (see Error.Code
	// and the sentinels), or one the validators refused before sending.
	ClassBadRequest
	// ClassTransient is a failure another try may not meet: a refused or
	// broken connection, a timeout, a 5xx, an answer that is not Telegraph's
	// JSON, PAGE_SAVE_FAILED. A createPage that timed out may still have
	// created its page.
	ClassTransient
)

// String names the class for log lines.
func (c Class) String() string {
	switch c {
	case ClassNone:
		return "none"
	case ClassFlood:
		return "flood wait"
	case ClassBadRequest:
		return "bad request"
	case ClassTransient:
		return "transient"
	}
	return fmt.Sprintf("Class(%d)", int(c))
}

// An Error is a failed Telegraph call, classified. Its text never holds the
// access token.
type Error struct {
	// Method is the API method ("createPage").
	Method string
	Class  Class
	// Code is Telegraph's error string ("CONTENT_TOO_BIG", "FLOOD_WAIT_7"),
	// empty when Telegraph gave none.
	Code string
	// Status is the HTTP status, 0 when no answer came.
	Status int
	// RetryAfter is how long to wait, for ClassFlood.
	RetryAfter time.Duration
	// Err is the underlying error, token removed; nil when Code says it
	// all.
	Err error
}

// Error is the method and Telegraph's error string, or the failure.
func (e *Error) Error() string {
	switch {
	case e.Code != "" && e.Err != nil:
		return fmt.Sprintf("telegraph: %s: %s: %v", e.Method, e.Code, e.Err)
	case e.Code != "":
		return fmt.Sprintf("telegraph: %s: %s", e.Method, e.Code)
	case e.Status != 0:
		return fmt.Sprintf("telegraph: %s: HTTP %d %s: %v", e.Method, e.Status, http.StatusText(e.Status), e.Err)
	}
	return fmt.Sprintf("telegraph: %s: %s: %v", e.Method, e.Class, e.Err)
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// Is matches the sentinel of e.Code, and ErrFlood for ClassFlood.
func (e *Error) Is(target error) bool {
	if target == ErrFlood {
		return e.Class == ClassFlood
	}
	s, ok := codes[e.Code]
	return ok && s == target
}

// ClassOf is the class of an error returned by a Client: ClassNone for nil,
// ClassTransient for an error that is not an *Error (a canceled context).
func ClassOf(err error) Class {
	if err == nil {
		return ClassNone
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Class
	}
	return ClassTransient
}

// RetryAfter is how long to wait after err: Error.RetryAfter for ClassFlood,
// else 0.
func RetryAfter(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) && e.Class == ClassFlood {
		return e.RetryAfter
	}
	return 0
}

// answerError classifies Telegraph's {"ok":false,"error":code} answer.
func answerError(method string, status int, code string) *Error {
	e := &Error{Method: method, Status: status, Code: code, Class: ClassBadRequest}
	if n, ok := strings.CutPrefix(code, "FLOOD_WAIT_"); ok {
		e.Class = ClassFlood
		if s, err := strconv.Atoi(n); err == nil && s > 0 {
			e.RetryAfter = time.Duration(s) * time.Second
		} else {
			e.RetryAfter = time.Second
		}
		return e
	}
	if transientCodes[code] || status >= 500 {
		e.Class = ClassTransient
	}
	return e
}

// statusClass classifies an HTTP answer without Telegraph's JSON.
func statusClass(status int) Class {
	switch {
	case status == http.StatusTooManyRequests:
		return ClassFlood
	case status >= 400 && status < 500:
		return ClassBadRequest
	}
	return ClassTransient // 5xx, a proxy's page, a 2xx that is not JSON
}

// redactor removes a token from texts and errors.
type redactor struct{ token string }

// String is s with the token replaced.
func (r redactor) String(s string) string {
	if r.token == "" {
		return s
	}
	for _, t := range []string{r.token, url.QueryEscape(r.token), url.PathEscape(r.token)} {
		s = strings.ReplaceAll(s, t, "<token>")
	}
	return s
}

// Error is err without the token: a *url.Error gets a redacted URL (its
// inner error kept for errors.Is when it holds no token); any other error
// whose text holds the token is replaced by its redacted text.
func (r redactor) Error(err error) error {
	if err == nil || r.token == "" {
		return err
	}
	if ue, ok := err.(*url.Error); ok {
		inner := ue.Err
		if inner != nil && r.String(inner.Error()) != inner.Error() {
			inner = errors.New(r.String(inner.Error()))
		}
		return &url.Error{Op: ue.Op, URL: r.String(ue.URL), Err: inner}
	}
	if msg := err.Error(); r.String(msg) != msg {
		return errors.New(r.String(msg))
	}
	return err
}
