package telegram

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Chat answers getChat for chat, a numeric ID ("-1001234567890") or a
// public "@username": the chat's ID, type, title and username. Errors are
// *Error; a chat the bot can't see (a private channel it is not in, a
// username no one has) is ClassChatNotFound.
func (c *Client) Chat(ctx context.Context, chat string) (tgbotapi.Chat, error) {
	resp, err := c.MakeRequest(ctx, "getChat", tgbotapi.Params{"chat_id": chat})
	if err != nil {
		return tgbotapi.Chat{}, err
	}
	var ch tgbotapi.Chat
	if err := json.Unmarshal(resp.Result, &ch); err != nil {
		return ch, &Error{Method: "getChat", Class: ClassBadRequest, Code: http.StatusOK, Err: err}
	}
	return ch, nil
}

// MemberCount answers getChatMemberCount: how many members a group has, or
// subscribers a channel. Errors are *Error.
func (c *Client) MemberCount(ctx context.Context, chatID int64) (int, error) {
	resp, err := c.MakeRequest(ctx, "getChatMemberCount", tgbotapi.Params{"chat_id": strconv.FormatInt(chatID, 10)})
	if err != nil {
		return 0, err
	}
	var n int
	if err := json.Unmarshal(resp.Result, &n); err != nil {
		return 0, &Error{Method: "getChatMemberCount", Class: ClassBadRequest, Code: http.StatusOK, Err: err}
	}
	return n, nil
}
