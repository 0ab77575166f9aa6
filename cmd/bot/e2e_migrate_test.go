package main

import (
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/newsbot/newsbot/internal/tgfake"
)

// TestE2EGroupBecomesSupergroup runs the binary through a group's upgrade
// to a supergroup: the group's admin subscribes it; Telegram upgrades it
// (its two service messages); a member's /latest in the supergroup is
// answered; a new article reaches the supergroup once and the old ID
// nothing; the admin unsubscribes the supergroup and the next article is
// due to no one.
func TestE2EGroupBecomesSupergroup(t *testing.T) {
	t.Parallel()
	const group, supergroup = -7001, -1000000007001
	fake := e2eFake(t, tgfake.Options{})
	admin := tgbotapi.User{ID: 7101, FirstName: "Admin", LanguageCode: "en"}
	member := tgbotapi.User{ID: 7102, FirstName: "Member", LanguageCode: "en"}
	fake.SetMember(group, admin.ID, "administrator")
	seeds := t.TempDir()
	now := time.Now()
	alpha := articleAt("Alpha", now, 2*time.Hour, false)
	alpha.write(t, seeds)
	vars := e2eEnv(t, fake, seeds, map[string]string{"SCAN_INTERVAL": "200ms", "BROADCAST_INTERVAL": "1s"})
	svc := startE2EService(t, fake, vars)
	t.Cleanup(func() {
		if t.Failed() {
			for l := range strings.Lines(svc.stderr.String()) {
				if !strings.Contains(l, "seeds scanned") {
					t.Log(l)
				}
			}
		}
	})

	fake.PostGroup(group, admin, "/start")
	fake.Await(t, "the group's welcome and latest article", func() bool { return received(fake, alpha)[group][alpha.headline] == 1 })
	if err := fake.UpgradeGroup(group, supergroup); err != nil {
		t.Fatal(err)
	}
	fake.PostGroup(supergroup, member, "/latest")
	fake.Await(t, "the answer in the supergroup", func() bool { return received(fake, alpha)[supergroup][alpha.headline] == 1 })

	bravo := articleAt("Bravo", now, time.Hour, false)
	bravo.write(t, seeds)
	fake.Await(t, "the broadcast in the supergroup", func() bool { return received(fake, bravo)[supergroup][bravo.headline] >= 1 })

	fake.PostGroup(supergroup, admin, "/unsubscribe")
	before := len(fake.MessagesTo(supergroup))
	fake.Await(t, "the answer to /unsubscribe", func() bool { return len(fake.MessagesTo(supergroup)) > before })
	delta := articleAt("Delta", now, 30*time.Second, false)
	delta.write(t, seeds)
	if out, _, code := runBot(t, vars, "ingest"); code != 0 || !strings.Contains(out, "1 added") {
		t.Fatalf("bot ingest: exit %d, %q; want Delta added", code, out)
	}
	if out, _, code := runBot(t, vars, "broadcast", "-wait"); code != 0 || !strings.Contains(out, "Nothing is due") {
		t.Errorf("bot broadcast -wait after /unsubscribe: exit %d, %q; want nothing due", code, out)
	}
	svc.stop(t)

	got := received(fake, alpha, bravo, delta)
	for head, want := range map[string]int{bravo.headline: 1, delta.headline: 0} {
		if n := got[supergroup][head]; n != want {
			t.Errorf("the supergroup got %q %d times, want %d", head, n, want)
		}
	}
	if n := len(got[group]); n != 1 {
		t.Errorf("the old group ID got %v, want only Alpha, before the upgrade", got[group])
	}
}
