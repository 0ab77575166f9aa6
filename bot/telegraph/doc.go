// Package telegraph is a client of Telegraph's API (https://telegra.ph/api),
// the publishing service whose pages Telegram opens in Instant View. It
// knows nothing of articles or of Telegram bots.
//
// # Basics
//
// New makes a Client for an endpoint (Config; DefaultEndpoint) and an
// optional access token. CreateAccount returns an Account whose AccessToken
// a Client uses through WithToken; CreatePage publishes a Page (Title,
// AuthorName, AuthorURL, Content) and returns its Path and URL; EditPage
// replaces the page at a path; GetPage reads one.
//
// Content is a slice of Nodes: texts, and elements with a tag, the
// attributes href and src, and children (Text, Elem, Link and Image build
// them). ValidatePage and ValidateContent check what Telegraph checks:
// the allowed tags (AllowedTag), the attributes, a title of 1–256
// characters, and at most MaxContentSize bytes of the JSON-encoded content
// (ContentSize). CreatePage and EditPage validate before they send.
//
// Every error of a Client is an *Error with a Class: ClassFlood
// (FLOOD_WAIT_N: wait Error.RetryAfter), ClassBadRequest (Telegraph refused
// the call and would again: Error.Code, matched by the sentinels such as
// ErrContentTooBig, ErrPageNotFound, ErrAccessTokenInvalid), or
// ClassTransient (network, timeouts, 5xx: try again later).
//
// # Caveats
//
// The access token travels as a POST form field, never in a URL, and is
// removed from every error's text; the package writes no logs.
//
// Telegraph documents its limits but not every error string: for a tag or
// an attribute it does not allow, this package says TAG_NOT_ALLOWED and
// ATTR_NOT_ALLOWED. Telegraph's documentation says "64 KB" of content
// without saying how it counts; ContentSize counts the bytes of the UTF-8
// JSON this package sends, so content near the limit may still be
// refused with CONTENT_TOO_BIG: leave a margin, or cut and try again.
//
// A createPage that timed out may have created its page all the same; a
// second try makes a second page, and the first stays, unlinked.
package telegraph
