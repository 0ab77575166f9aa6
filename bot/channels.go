package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/newsbot/newsbot/bot/telegram"
	"github.com/newsbot/newsbot/state"
)

// Channels are subscribers a bot admin adds: the bot posts there as an
// administrator allowed to post messages, and a channel's posts never
// reach the command table (dispatch takes messages only). A channel is
// delivered like any subscriber, paced like a group, and deactivated on
// Telegram's refusals like one (see outcome).

// addChannel answers /addchannel @name|-100…: it checks with Telegram that
// the chat is a channel where the bot is an administrator allowed to post,
// and makes it a subscriber from now on, or says what is wrong.
func (b *Bot) addChannel(ctx context.Context, r request) {
	c := catalogFor(r.lang)
	ref, ok := channelRef(r.args)
	if !ok {
		b.out.reply(ctx, r.chat, c.AddChannelUsage)
		return
	}
	ch, err := b.client.Chat(ctx, ref)
	switch {
	case telegram.ClassOf(err) == telegram.ClassChatNotFound:
		b.out.reply(ctx, r.chat, fmt.Sprintf(c.ChannelNotFound, ref))
		return
	case err != nil:
		b.log.Warn("bot: /addchannel: getChat failed", slog.String("channel", ref), slog.Any("err", err))
		b.out.reply(ctx, r.chat, c.Failed)
		return
	case ch.Type != "channel":
		b.out.reply(ctx, r.chat, fmt.Sprintf(c.NotAChannel, ref))
		return
	}
	name := ref
	if ch.UserName != "" {
		name = "@" + ch.UserName
	}
	me, err := b.client.ChatMember(ctx, ch.ID, b.client.Self().ID)
	if err != nil {
		b.log.Warn("bot: /addchannel: getChatMember failed", slog.Int64("chat_id", ch.ID), slog.Any("err", err))
		b.out.reply(ctx, r.chat, c.Failed)
		return
	}
	switch {
	case me.IsCreator() || me.IsAdministrator() && me.CanPostMessages:
	case me.IsAdministrator():
		b.out.reply(ctx, r.chat, fmt.Sprintf(c.ChannelNoPost, name))
		return
	default:
		b.out.reply(ctx, r.chat, fmt.Sprintf(c.ChannelNotAdmin, name))
		return
	}
	sub, added, err := b.store.AddChannel(ch.ID, ch.UserName, ch.Title, time.Now())
	if err != nil {
		b.log.Error("bot: /addchannel", slog.Int64("chat_id", ch.ID), slog.Any("err", err))
		b.out.reply(ctx, r.chat, c.Failed)
		return
	}
	if !added {
		b.out.reply(ctx, r.chat, fmt.Sprintf(c.ChannelAlready, channelName(sub)))
		return
	}
	b.log.Info("bot: channel added", slog.Int64("chat_id", ch.ID), slog.String("username", ch.UserName))
	b.out.reply(ctx, r.chat, fmt.Sprintf(c.ChannelAdded, channelName(sub), sub.Chat, channelArg(sub)))
}

// removeChannel answers /removechannel @name|-100…: the channel gets no
// more articles, effective before its next send.
func (b *Bot) removeChannel(ctx context.Context, r request) {
	c := catalogFor(r.lang)
	if _, ok := channelRef(r.args); !ok {
		b.out.reply(ctx, r.chat, c.RemoveChannelUsage)
		return
	}
	ch, found, err := b.findChannel(r.args)
	switch {
	case err != nil:
		b.log.Error("bot: read the channels", slog.Any("err", err))
		b.out.reply(ctx, r.chat, c.Failed)
		return
	case !found:
		b.out.reply(ctx, r.chat, fmt.Sprintf(c.NotOurChannel, strings.Fields(r.args)[0]))
		return
	}
	was, err := b.store.Deactivate(ch.Chat, state.Unsubscribed, time.Now())
	switch {
	case err != nil:
		b.log.Error("bot: /removechannel", slog.Int64("chat_id", ch.Chat), slog.Any("err", err))
		b.out.reply(ctx, r.chat, c.Failed)
	case !was:
		b.out.reply(ctx, r.chat, fmt.Sprintf(c.NotOurChannel, channelName(ch)))
	default:
		b.log.Info("bot: channel removed", slog.Int64("chat_id", ch.Chat))
		b.out.reply(ctx, r.chat, fmt.Sprintf(c.ChannelRemoved, channelName(ch)))
	}
}

// channelRef reads the channel of a command's arguments as getChat takes
// it: "@name" (also written "name" or "https://t.me/name") or a numeric ID
// "-100…".
func channelRef(args string) (string, bool) {
	f := strings.Fields(args)
	if len(f) != 1 {
		return "", false
	}
	ref := f[0]
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		return ref, id < 0
	}
	for _, prefix := range []string{"https://t.me/", "http://t.me/", "t.me/", "@"} {
		ref = strings.TrimPrefix(ref, prefix)
	}
	if ref == "" || strings.ContainsAny(ref, "/?@") {
		return "", false
	}
	return "@" + ref, true
}

// findChannel finds the channel subscriber a command's arguments name, by
// username or ID, active or not.
func (b *Bot) findChannel(args string) (state.Subscriber, bool, error) {
	ref, ok := channelRef(args)
	if !ok {
		return state.Subscriber{}, false, nil
	}
	chs, err := b.store.Channels()
	if err != nil {
		return state.Subscriber{}, false, err
	}
	for _, ch := range chs {
		if ref == strconv.FormatInt(ch.Chat, 10) || ch.Username != "" && strings.EqualFold(ref, "@"+ch.Username) {
			return ch, true, nil
		}
	}
	return state.Subscriber{}, false, nil
}

// channelName is how a channel is named to an admin: @username, else its
// title, else its ID.
func channelName(ch state.Subscriber) string {
	switch {
	case ch.Username != "":
		return "@" + ch.Username
	case ch.Title != "":
		return ch.Title
	}
	return strconv.FormatInt(ch.Chat, 10)
}

// channelArg is how a command names a channel: @username, else its ID.
func channelArg(ch state.Subscriber) string {
	if ch.Username != "" {
		return "@" + ch.Username
	}
	return strconv.FormatInt(ch.Chat, 10)
}

// A Channel is a channel subscriber and its audience.
type Channel struct {
	state.Subscriber
	// Members is what getChatMemberCount answered: the channel's
	// subscribers in Telegram; -1 when it was not asked or did not answer.
	Members int
}

// Channels lists the bot's channels with their member counts, as /stats
// does. It returns the store's error.
func (b *Bot) Channels(ctx context.Context) ([]Channel, error) {
	return ChannelsOf(ctx, b.client, b.store)
}

// ChannelsOf lists the channels of store, active or not, with their
// member counts asked through c; with a nil c, or for a channel Telegram
// gives no count of, Members is -1. It returns the store's error.
func ChannelsOf(ctx context.Context, c *telegram.Client, store *state.Store) ([]Channel, error) {
	subs, err := store.Channels()
	if err != nil {
		return nil, fmt.Errorf("bot: channels: %w", err)
	}
	counts := memberCounts(ctx, c, subs)
	out := make([]Channel, len(subs))
	for i, s := range subs {
		out[i] = Channel{Subscriber: s, Members: -1}
		if n, ok := counts[s.Chat]; ok {
			out[i].Members = n
		}
	}
	return out, nil
}

// memberCounts asks Telegram the member count of each channel, -1 for
// one it does not give (a channel the bot was removed from); nil without
// a client.
func memberCounts(ctx context.Context, c *telegram.Client, chs []state.Subscriber) map[int64]int {
	if c == nil {
		return nil
	}
	counts := make(map[int64]int, len(chs))
	for _, ch := range chs {
		n, err := c.MemberCount(ctx, ch.Chat)
		if err != nil {
			n = -1
		}
		counts[ch.Chat] = n
	}
	return counts
}

// ChannelsText lists channels in lang ("zh", "zh-Hant" or LangEN), one a
// line: name, ID, status and member count; "" for none.
func ChannelsText(chs []Channel, lang string) string {
	c := catalogFor(lang)
	members := make(map[int64]int, len(chs))
	var lines []string
	for _, ch := range chs {
		members[ch.Chat] = ch.Members
		lines = append(lines, c.channelLine(ch.Subscriber, members))
	}
	return strings.Join(lines, "\n")
}
