// Package tgfake is a fake Telegram Bot API for tests: an httptest server
// that speaks Telegram's HTTP API at /bot<token>/<method> and validates what
// Telegram validates, so that tests through the real client fail where
// Telegram would refuse.
//
// ParseHTML, CheckText and CheckCaption are its validators, exported so that
// rendering tests check their output against the same rules.
package tgfake
