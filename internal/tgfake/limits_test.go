package tgfake

import (
	"slices"
	"strconv"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// epoch is where the frozen clocks of the limit tests start.
var epoch = time.Unix(1700000000, 0)

// at is a point of a schedule: sends to the chats at epoch+offset.
type at struct {
	offset time.Duration
	chats  []int64
}

// spread is n sends to distinct private chats from first, all at offset.
func spread(offset time.Duration, first int64, n int) at {
	a := at{offset: offset}
	for i := range n {
		a.chats = append(a.chats, first+int64(i))
	}
	return a
}

// repeat is n sends to chat at offset.
func repeat(offset time.Duration, chat int64, n int) at {
	a := at{offset: offset}
	for range n {
		a.chats = append(a.chats, chat)
	}
	return a
}

// TestWindows checks each limit as a sliding window: no more than N sends
// in any span, whatever happened before it, and a retry_after that is the
// time until the window admits the send, in whole seconds.
func TestWindows(t *testing.T) {
	tests := []struct {
		name     string
		opts     Options
		schedule []at
		// refused is the retry_after of each refused send, in schedule order.
		refused []int
	}{
		{"two a second into a private chat", Options{},
			[]at{repeat(0, 42, 3)}, []int{1}},
		{"the third within the second", Options{},
			[]at{repeat(0, 42, 1), repeat(500*time.Millisecond, 42, 1), repeat(999*time.Millisecond, 42, 1)}, []int{1}},
		{"a send a second old is out of the window", Options{},
			[]at{repeat(0, 42, 2), repeat(time.Second, 42, 2)}, nil},
		{"two a second into a group", Options{GroupPerMinute: -1},
			[]at{repeat(0, -42, 3)}, []int{1}},
		{"chats apart", Options{},
			[]at{repeat(0, 42, 2), repeat(0, 43, 2)}, nil},
		{"chat limit configurable", Options{ChatPerSecond: 5},
			[]at{repeat(0, 42, 6)}, []int{1}},
		{"chat limit off", Options{ChatPerSecond: -1},
			[]at{repeat(0, 42, 30)}, nil},
		{"30 a second for the bot", Options{},
			[]at{spread(0, 1, 31)}, []int{1}},
		// A bucket of 30/s with a burst of 30 would have 18 tokens again
		// 0.6 s after the burst: the window has none until a second has
		// passed since the burst.
		{"no burst on top of the rate", Options{},
			[]at{spread(900*time.Millisecond, 1, 30), spread(1500*time.Millisecond, 100, 1), spread(1900*time.Millisecond, 200, 30)},
			[]int{1}},
		// 29 a second, evenly spaced, never has 31 in a second.
		{"an even pace under the limit", Options{},
			func() []at {
				var s []at
				for i := range 90 {
					s = append(s, spread(time.Duration(i)*time.Second/29, int64(i+1), 1))
				}
				return s
			}(), nil},
		{"global limit configurable", Options{GlobalPerSecond: 5},
			[]at{spread(0, 1, 6)}, []int{1}},
		{"global limit off", Options{GlobalPerSecond: -1, ChatPerSecond: -1},
			[]at{spread(0, 1, 100)}, nil},
		{"20 a minute into a group", Options{ChatPerSecond: -1},
			[]at{repeat(0, -42, 21)}, []int{60}},
		{"20 a minute into a supergroup, spread", Options{},
			func() []at {
				var s []at
				for i := range 20 {
					s = append(s, repeat(time.Duration(i)*2*time.Second, -1001234567890, 1))
				}
				// 50.5 s after the first: it leaves the window in 9.5 s.
				return append(s, repeat(50500*time.Millisecond, -1001234567890, 1), repeat(time.Minute, -1001234567890, 1))
			}(), []int{10}},
		{"group limit configurable", Options{ChatPerSecond: -1, GroupPerMinute: 3},
			[]at{repeat(0, -42, 4)}, []int{60}},
		{"group limit off", Options{ChatPerSecond: -1, GroupPerMinute: -1},
			[]at{repeat(0, -42, 25)}, nil},
		{"unlimited", Options{Unlimited: true},
			[]at{repeat(0, -42, 50), spread(0, 1, 50)}, nil},
		// A refused send takes no place in the window.
		{"a 429 does not count", Options{},
			[]at{repeat(0, 42, 5), repeat(time.Second, 42, 2)}, []int{1, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &frozen{now: epoch}
			tt.opts.Now = clock.Now
			s := New(t, tt.opts)
			api := newBot(t, s, 5*time.Second)
			var refused []int
			accepted := 0
			for _, a := range tt.schedule {
				clock.Set(epoch.Add(a.offset))
				for _, chat := range a.chats {
					_, err := api.Send(tgbotapi.NewMessage(chat, "x"))
					if err == nil {
						accepted++
						continue
					}
					e := apiError(t, err)
					if e.Code != 429 || e.Message != "Too Many Requests: retry after "+strconv.Itoa(e.RetryAfter) {
						t.Fatalf("got %d %q retry_after %d, want 429 Too Many Requests", e.Code, e.Message, e.RetryAfter)
					}
					refused = append(refused, e.RetryAfter)
				}
			}
			if !slices.Equal(refused, tt.refused) {
				t.Errorf("got retry_after %v for the refused sends, want %v", refused, tt.refused)
			}
			if got := s.RateLimited(); got != len(tt.refused) {
				t.Errorf("got RateLimited %d, want %d", got, len(tt.refused))
			}
			if got := len(s.Messages()); got != accepted {
				t.Errorf("got %d messages recorded, want the %d accepted", got, accepted)
			}
		})
	}
}

// TestRetryAfterAdmits checks that a send retried after retry_after is
// accepted.
func TestRetryAfterAdmits(t *testing.T) {
	for _, chat := range []int64{42, -42} {
		clock := &frozen{now: epoch}
		s := New(t, Options{Now: clock.Now})
		api := newBot(t, s, 5*time.Second)
		var err error
		for err == nil {
			clock.Add(100 * time.Millisecond)
			_, err = api.Send(tgbotapi.NewMessage(chat, "x"))
		}
		e := apiError(t, err)
		clock.Add(time.Duration(e.RetryAfter) * time.Second)
		if _, err := api.Send(tgbotapi.NewMessage(chat, "x")); err != nil {
			t.Errorf("chat %d: after retry_after %d: got %v, want the send accepted", chat, e.RetryAfter, err)
		}
	}
}

// TestEditsCount checks that edits count against the limits as sends do.
func TestEditsCount(t *testing.T) {
	clock := &frozen{now: epoch}
	s := New(t, Options{Now: clock.Now})
	api := newBot(t, s, 5*time.Second)
	m, err := api.Send(tgbotapi.NewMessage(42, "progress 0"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.Send(tgbotapi.NewEditMessageText(42, m.MessageID, "progress 1")); err != nil {
		t.Fatalf("first edit: %v", err)
	}
	_, err = api.Send(tgbotapi.NewEditMessageText(42, m.MessageID, "progress 2"))
	if e := apiError(t, err); e.Code != 429 {
		t.Errorf("third send into the chat within a second: got %d %q, want 429", e.Code, e.Message)
	}
	sends := s.Sends(42)
	if len(sends) != 2 || sends[0].Method != "sendMessage" || sends[1].Method != "editMessageText" ||
		sends[1].MessageID != m.MessageID || !sends[1].Time.Equal(epoch) {
		t.Errorf("got sends %+v, want the message and one edit at %v", sends, epoch)
	}
}

// TestSendsRecordTimes checks that Sends and Message.Time tell when each
// send was accepted, so that a test can check the spacing of a chat's
// messages.
func TestSendsRecordTimes(t *testing.T) {
	clock := &frozen{now: epoch}
	s := New(t, Options{Now: clock.Now})
	api := newBot(t, s, 5*time.Second)
	for _, d := range []time.Duration{0, 1500 * time.Millisecond, 2 * time.Second} {
		clock.Set(epoch.Add(d))
		if _, err := api.Send(tgbotapi.NewMessage(42, "x")); err != nil {
			t.Fatal(err)
		}
	}
	var gaps []time.Duration
	sends, msgs := s.Sends(42), s.MessagesTo(42)
	for i := 1; i < len(sends); i++ {
		gaps = append(gaps, sends[i].Time.Sub(sends[i-1].Time))
		if !msgs[i].Time.Equal(sends[i].Time) {
			t.Errorf("message %d: got time %v, want the send's %v", i, msgs[i].Time, sends[i].Time)
		}
	}
	if want := []time.Duration{1500 * time.Millisecond, 500 * time.Millisecond}; !slices.Equal(gaps, want) {
		t.Errorf("got gaps %v, want %v", gaps, want)
	}
	if got := s.Sends(43); got != nil {
		t.Errorf("got sends %v into a chat never sent to, want none", got)
	}
}

// paidSend sends a message with allow_paid_broadcast through MakeRequest,
// as a bot must with tgbotapi v5.5.1.
func paidSend(api *tgbotapi.BotAPI, chat int64, paid bool) error {
	_, err := api.MakeRequest("sendMessage", tgbotapi.Params{
		"chat_id": strconv.FormatInt(chat, 10), "text": "x", "allow_paid_broadcast": strconv.FormatBool(paid)})
	return err
}

// TestPaidBroadcast checks that paid sends count against a window of their
// own, 1000 a second by default, and still against their chat's.
func TestPaidBroadcast(t *testing.T) {
	tests := []struct {
		name  string
		opts  Options
		sends []bool // paid or not, each to a new chat, all at once
		want  []bool // accepted
	}{
		{"paid beside the free 30", Options{},
			append(slices.Repeat([]bool{false}, 31), slices.Repeat([]bool{true}, 200)...),
			append(append(slices.Repeat([]bool{true}, 30), false), slices.Repeat([]bool{true}, 200)...)},
		{"paid limit configurable", Options{PaidPerSecond: 3},
			[]bool{true, true, true, true, false},
			[]bool{true, true, true, false, true}},
		{"paid limit off", Options{PaidPerSecond: -1},
			slices.Repeat([]bool{true}, 1500), slices.Repeat([]bool{true}, 1500)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := &frozen{now: epoch}
			tt.opts.Now = clock.Now
			s := New(t, tt.opts)
			api := newBot(t, s, 5*time.Second)
			var got []bool
			for i, paid := range tt.sends {
				err := paidSend(api, int64(i+1), paid)
				if err != nil && apiError(t, err).Code != 429 {
					t.Fatalf("send %d: got %v, want ok or 429", i, err)
				}
				got = append(got, err == nil)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got accepted %v, want %v", got, tt.want)
			}
			for _, m := range s.Messages() {
				if want := tt.sends[m.ChatID-1]; m.Paid != want || s.Sends(m.ChatID)[0].Paid != want {
					t.Errorf("chat %d: got paid %v (send %v), want %v", m.ChatID, m.Paid, s.Sends(m.ChatID)[0].Paid, want)
				}
			}
		})
	}

	t.Run("a chat's window still counts", func(t *testing.T) {
		clock := &frozen{now: epoch}
		s := New(t, Options{Now: clock.Now})
		api := newBot(t, s, 5*time.Second)
		var got []bool
		for range 3 {
			got = append(got, paidSend(api, 42, true) == nil)
		}
		if want := []bool{true, true, false}; !slices.Equal(got, want) {
			t.Errorf("got accepted %v, want %v", got, want)
		}
	})
}
