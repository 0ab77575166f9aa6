package tgfake

import "errors"

// Errors the Server's test helpers return, wrapped with what was asked; check
// them with errors.Is. (What the Bot API answers a client is a Fault.)
var (
	// ErrBadLink: FollowStartLink got a link Telegram would not open as a
	// start of this bot.
	ErrBadLink = errors.New("tgfake: not a start link of this bot")
	// ErrNoMessage: the bot sent no message with that chat and message ID.
	ErrNoMessage = errors.New("tgfake: no such message")
	// ErrNoButton: the message has no such button.
	ErrNoButton = errors.New("tgfake: no such button")
	// ErrBadChat: a chat cannot be created or changed as asked.
	ErrBadChat = errors.New("tgfake: bad chat")
)
