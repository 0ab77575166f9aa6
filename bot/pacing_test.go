package bot

import (
	"context"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/newsbot/newsbot/internal/tgfake"
)

// virtualPacer is a pacer on a clock that moves only when a send waits.
type virtualPacer struct {
	*pacer
	clock time.Time
}

func newVirtualPacer(perSecond float64, spacing time.Duration, groupPerMinute int) *virtualPacer {
	v := &virtualPacer{pacer: newPacer(perSecond, spacing, groupPerMinute, true),
		clock: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	v.now = func() time.Time { return v.clock }
	return v
}

// send reserves a message, moving the clock over the waits, and returns
// when it went.
func (v *virtualPacer) send(chat int64, kind sendKind) time.Time {
	for {
		m, d, _ := v.reserve(chat, kind)
		if m != nil {
			v.answered(m)
			return v.clock
		}
		if d == inFlight {
			panic("waiting for an answer that never comes")
		}
		v.clock = v.clock.Add(d)
	}
}

// maxIn is the most of times (in order) inside any span.
func maxIn(times []time.Time, span time.Duration) int {
	most, first := 0, 0
	for i, t := range times {
		for t.Sub(times[first]) >= span {
			first++
		}
		most = max(most, i-first+1)
	}
	return most
}

// TestPacerWindows checks the pacer against Telegram's limits counted as
// sliding windows: never more than 30 messages in any second for the bot,
// answers and edits included; never more than 2 in any second into one
// chat; at least a second between two broadcast messages into one chat; at
// most 20 in any minute into a group.
func TestPacerWindows(t *testing.T) {
	v := newVirtualPacer(29, time.Second, 20)
	var all []time.Time
	perChat := map[int64][]time.Time{}
	broadcastTo := map[int64][]time.Time{}
	send := func(chat int64, kind sendKind) {
		at := v.send(chat, kind)
		all = append(all, at)
		if kind != editSend {
			perChat[chat] = append(perChat[chat], at)
		}
		if kind == broadcastSend {
			broadcastTo[chat] = append(broadcastTo[chat], at)
		}
	}
	// A crowd of 60 readers, each answered twice (welcome and article),
	// then a broadcast of 3 articles to them and to 5 groups, with edits
	// of a report between.
	for c := int64(1); c <= 60; c++ {
		send(c, answerSend)
		send(c, answerSend)
	}
	for round := range 3 {
		for c := int64(1); c <= 60; c++ {
			send(c, broadcastSend)
		}
		for g := int64(-5); g <= -1; g++ {
			send(g, broadcastSend)
		}
		send(42, editSend)
		_ = round
	}
	for g := int64(-5); g <= -1; g++ {
		for range 30 {
			send(g, answerSend)
		}
	}
	if got := maxIn(all, time.Second); got > 30 {
		t.Errorf("bot-wide: %d messages in one second, want at most 30", got)
	}
	for c, times := range perChat {
		if got := maxIn(times, time.Second); got > 2 {
			t.Errorf("chat %d: %d messages in one second, want at most 2", c, got)
		}
		if isGroup(c) {
			if got := maxIn(times, time.Minute); got > 20 {
				t.Errorf("group %d: %d messages in one minute, want at most 20", c, got)
			}
		}
	}
	for c, times := range broadcastTo {
		for i := 1; i < len(times); i++ {
			if d := times[i].Sub(times[i-1]); d < time.Second {
				t.Errorf("chat %d: broadcast messages %v apart, want at least 1s", c, d)
			}
		}
	}
}

// TestPacerRate checks that the broadcast lane keeps RATE_LIMIT, spaced
// evenly, and that it gets close to it: 29 a second under Telegram's 30.
func TestPacerRate(t *testing.T) {
	v := newVirtualPacer(29, time.Second, 20)
	var times []time.Time
	for c := int64(1); c <= 2900; c++ {
		times = append(times, v.send(c, broadcastSend))
	}
	if got := maxIn(times, time.Second); got > 29 {
		t.Errorf("%d broadcast messages in one second, want at most 29", got)
	}
	rate := float64(len(times)-1) / times[len(times)-1].Sub(times[0]).Seconds()
	if rate < 0.97*29 {
		t.Errorf("got %.2f messages a second, want at least %.2f", rate, 0.97*29)
	}
	paid := newVirtualPacer(1000, time.Second, 20)
	times = times[:0]
	for c := int64(1); c <= 3000; c++ {
		times = append(times, paid.send(c, paidSend))
	}
	if got := maxIn(times, time.Second); got < 900 || got > 1000 {
		t.Errorf("paid: %d messages in one second, want up to 1000", got)
	}
}

// TestPacerForgetsIdleChats checks that the per-chat windows of 100,000
// chats are dropped once the chats are idle.
func TestPacerForgetsIdleChats(t *testing.T) {
	v := newVirtualPacer(1000, time.Second, 20)
	v.ceiling = nil // the bot-wide limit would make this slow, not different
	const n = 100_000
	for c := int64(1); c <= n; c++ {
		v.send(c, answerSend)
	}
	if got := v.chatsTracked(); got < n-sweepEvery {
		t.Fatalf("got %d chats tracked right after, want about %d", got, n)
	}
	v.clock = v.clock.Add(v.idleAfter())
	for range sweepEvery {
		v.send(1, editSend)
	}
	if got := v.chatsTracked(); got > 1 {
		t.Errorf("after %v idle: %d chats tracked, want at most 1", v.idleAfter(), got)
	}
}

// TestPauseStopsAllSends checks that a 429 for one chat pauses the sends
// to every chat, readers' answers included, for retry_after, and that the
// refused message is sent again.
func TestPauseStopsAllSends(t *testing.T) {
	h := newHarness(t, tgfake.Options{}, Options{})
	h.fake.Inject("sendMessage", 1, tgfake.TooMany(1), 1)
	start := time.Now()
	done := make(chan error, 1)
	go func() {
		_, err := h.bot.out.send(lane{ctx: context.Background(), send: context.Background(), kind: broadcastSend},
			1, tgbotapi.NewMessage(1, "broadcast"))
		done <- err
	}()
	h.fake.Await(t, "the 429", func() bool { return h.fake.TooManyRequests() == 1 })
	if _, err := h.bot.out.reply(context.Background(), 2, "answer"); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, chat := range []int64{1, 2} {
		msgs := h.fake.MessagesTo(chat)
		if len(msgs) != 1 {
			t.Fatalf("chat %d: got %d messages, want 1", chat, len(msgs))
		}
		if waited := msgs[0].Time.Sub(start); waited < time.Second {
			t.Errorf("chat %d: sent %v after the first try, want after the 1s pause", chat, waited)
		}
	}
}
