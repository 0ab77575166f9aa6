package bot

import (
	"errors"
	"testing"

	"github.com/newsbot/newsbot/bot/telegram"
	"github.com/newsbot/newsbot/internal/tgfake"
	"github.com/newsbot/newsbot/state"
)

const (
	group      = -5100
	supergroup = -1000000005100
)

// A group that became a supergroup gets each article once, however the bot
// learns of the move, and its admins can still unsubscribe it.
func TestMigratedGroupGetsEachArticleOnce(t *testing.T) {
	t.Parallel()
	admin, member := user(7101, "en"), user(7102, "en")
	heads := []string{"Headline a0"}

	t.Run("a member's /latest after the service messages", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, tgfake.Options{}, Options{})
		h.subscribe(group)
		h.putArticles(article("a0", recent(), nil))
		h.run()
		if err := h.fake.UpgradeGroup(group, supergroup); err != nil {
			t.Fatal(err)
		}
		h.fake.PostGroup(supergroup, member, "/latest")
		h.waitMessages(t, supergroup, 1)
		h.fake.Await(t, "the service messages handled", func() bool { return h.fake.Pending() == 0 })
		if sub, err := h.store.Subscriber(supergroup); err != nil || sub.Status != state.Active {
			t.Fatalf("supergroup: got %+v, %v; want the group's subscription moved", sub, err)
		}
		if p, started, err := h.bot.Broadcaster().Start(t.Context(), ReportTo{}); err != nil || started {
			t.Errorf("broadcast: got %+v, started %v, %v; want nothing due: /latest sent it", p, started, err)
		}
		h.settle()
		if n := received(h.fake.Messages(), heads)[supergroup]["Headline a0"]; n != 1 {
			t.Errorf("the supergroup got the article %d times, want once", n)
		}
	})

	t.Run("both chats subscribed, the supergroup's own send in flight", func(t *testing.T) {
		t.Parallel()
		hold := newHold(supergroup)
		h := newHarness(t, tgfake.Options{}, Options{}, func(c *telegram.Config) { c.Transport = hold })
		h.subscribe(group, supergroup)
		h.putArticles(article("a0", recent(), nil))
		h.fake.Migrate(group, supergroup) // the bot learns of it from the refusal only
		h.run()
		bc := h.bot.Broadcaster()
		p, started, err := bc.Start(t.Context(), ReportTo{})
		if err != nil || !started {
			t.Fatalf("Start: %+v, %v, %v", p, started, err)
		}
		<-hold.held
		h.fake.Await(t, "the group moved", func() bool {
			_, err := h.store.Subscriber(group)
			return errors.Is(err, state.ErrNotFound)
		})
		close(hold.release)
		if _, err := bc.Wait(t.Context(), p.ID); err != nil {
			t.Fatal(err)
		}
		h.settle()
		if n := received(h.fake.Messages(), heads)[supergroup]["Headline a0"]; n != 1 {
			t.Errorf("the supergroup got the article %d times, want once", n)
		}
	})

	t.Run("a /latest claim in flight in the supergroup", func(t *testing.T) {
		t.Parallel()
		hold := newHold(supergroup)
		h := newHarness(t, tgfake.Options{}, Options{}, func(c *telegram.Config) { c.Transport = hold })
		h.subscribe(group, supergroup)
		h.putArticles(article("a0", recent(), nil))
		h.fake.Migrate(group, supergroup)
		h.run()
		h.fake.PostGroup(supergroup, member, "/latest")
		<-hold.held
		bc := h.bot.Broadcaster()
		p, started, err := bc.Start(t.Context(), ReportTo{})
		if err != nil || !started {
			t.Fatalf("Start: %+v, %v, %v", p, started, err)
		}
		if _, err := bc.Wait(t.Context(), p.ID); err != nil {
			t.Fatal(err)
		}
		close(hold.release)
		h.settle()
		if n := received(h.fake.Messages(), heads)[supergroup]["Headline a0"]; n != 1 {
			t.Errorf("the supergroup got the article %d times, want once", n)
		}
		e, err := h.store.Entry(supergroup, state.Item{Kind: state.ArticleItem, Seq: 1})
		if err != nil || e.State != state.Sent {
			t.Errorf("ledger: got %+v, %v; want the /latest answer sent", e, err)
		}
	})

	t.Run("unsubscribe in the supergroup", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, tgfake.Options{}, Options{})
		h.fake.SetMember(group, admin.ID, "administrator")
		h.subscribe(group)
		h.run()
		if err := h.fake.UpgradeGroup(group, supergroup); err != nil {
			t.Fatal(err)
		}
		h.fake.PostGroup(supergroup, admin, "/unsubscribe")
		got := h.waitMessages(t, supergroup, 1)
		if want := catalogFor(LangEN).Unsubscribed; got[0].Visible != want {
			t.Errorf("got %q, want %q", got[0].Visible, want)
		}
		h.putArticles(article("a0", recent(), nil))
		if p, started, err := h.bot.Broadcaster().Start(t.Context(), ReportTo{}); err != nil || started {
			t.Errorf("broadcast after /unsubscribe: got %+v, started %v, %v; want nothing to send", p, started, err)
		}
		h.settle()
		if n := len(h.fake.MessagesTo(supergroup)); n != 1 {
			t.Errorf("the supergroup got %d messages, want only the answer", n)
		}
	})
}
