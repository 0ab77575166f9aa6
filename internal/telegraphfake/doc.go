// Package telegraphfake is a fake Telegraph API for tests: an httptest
// server that answers createAccount, createPage, editPage and getPage as
// Telegraph's documentation (https://telegra.ph/api) says, and refuses what
// Telegraph refuses, so that a client's mistakes fail in tests. It is
// written from that documentation, not from this module's client, and
// imports nothing of this module.
//
// # Basics
//
// New starts a Server for a test; point a client at Server.URL.
// createAccount returns a fresh access token (AddAccount makes one from the
// test, Options.Token accepts one from the start, Revoke withdraws one).
// createPage and editPage need a valid access_token (else
// ACCESS_TOKEN_INVALID) and check the title (TITLE_REQUIRED, at most 256
// characters: TITLE_TOO_LONG), author_name and author_url, and the content
// (CheckContent: a JSON array of nodes, allowed tags only, attributes href
// and src only, some text, at most 64 KB as received). editPage of an
// unknown path answers PAGE_NOT_FOUND, of another account's page
// PAGE_ACCESS_DENIED.
//
// Pages are kept: Pages, Page, Creates, Edits and Calls tell a test what
// happened; Texts lists a content's texts; Wait blocks until a condition on
// them holds.
//
// Failures are injected with Fail (by method, for the next n calls or
// all), Outage (every call a 502 page, a reset connection or a hang) and
// FloodWait (FLOOD_WAIT_N for the next k calls); ClearFaults ends them. A
// faulted call changes nothing.
//
// # Caveats
//
// Telegraph answers errors with HTTP 200 and {"ok":false,"error":…}; so
// does the fake. Telegraph documents its rules but not every error string:
// TAG_NOT_ALLOWED, ATTR_NOT_ALLOWED and CONTENT_FORMAT_INVALID are the
// fake's. Parameters come in the query or a form body; JSON bodies are not
// understood.
package telegraphfake
