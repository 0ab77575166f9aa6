package content

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// seedsDir is the repository's seeds folder.
var seedsDir = filepath.Join("..", "seeds")

// TestSeeds checks that every file in seeds/ parses, and the fields of the
// seed document the product was specified with.
func TestSeeds(t *testing.T) {
	files, err := seedFiles(seedsDir)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no files in seeds/")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			a, err := ParseFile(f)
			if err != nil {
				t.Fatalf("got %v, want the seed parsed", err)
			}
			checkInvariants(t, a)
			if a.Lead == "" {
				t.Errorf("got no lead, want one")
			}
		})
	}
}

func TestSpecSeed(t *testing.T) {
	a, err := ParseFile(filepath.Join(seedsDir, "000_233c0103149b2333.txt"))
	if err != nil {
		t.Fatal(err)
	}
	const origin = "https://gdb.voanews.com/01000000-0aff-0242-0ff6-08db375d22b0_r1_s_w900.jpg"
	checks := []struct {
		field     string
		got, want any
	}{
		{"Headline", a.Headline, "美日韩特使呼吁国际社会联手切断朝鲜导弹核武项目的经费来源"},
		{"URL", a.URL, "https://www.voachinese.com/a/skorea-us-japan-call-for-support-of-ban-on-nkorea-workers-20230407/7040511.html"},
		{"Published", a.Published, time.Date(2023, 4, 7, 13, 8, 7, 0, time.UTC)},
		{"FeedTime", a.FeedTime, time.UnixMilli(1680874744000).UTC()},
		{"Source", a.Source, "美国之音"},
		{"Photo.URL", a.Photo.URL, "https://images.weserv.nl?url=gdb.voanews.com/01000000-0aff-0242-0ff6-08db375d22b0_r1_s_w900.jpg"},
		{"Photo.Fallbacks", strings.Join(a.Photo.Fallbacks, " "), origin},
		{"Photo.Caption starts", strings.HasPrefix(a.Photo.Caption, "左起：日本核问题特使船越健裕（左）"), true},
		{"Photo.Caption ends", strings.HasSuffix(a.Photo.Caption, "举行美日韩三方会谈。（2023年4月7日）"), true},
		{"Lead starts", strings.HasPrefix(a.Lead, "美国、韩国和日本周五（4月7日）发表联合声明"), true},
		{"Lead ends", strings.HasSuffix(a.Lead, "而作出的努力。"), true},
		{"len(Paragraphs)", len(a.Paragraphs), 15},
		{"second paragraph starts", strings.HasPrefix(a.Paragraphs[1], "声明说，"), true},
		{"sixth paragraph (after the second photo) starts", strings.HasPrefix(a.Paragraphs[5], "此外，专家们说"), true},
		{"ID", len(a.ID), 16},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.field, c.got, c.want)
		}
	}
}

// seedFiles returns the paths of the candidate seed documents in dir,
// sorted by name: its regular files (or links to them), without hidden
// files (names starting with ".") or folders.
func seedFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		path := filepath.Join(dir, name)
		mode := e.Type()
		if mode&os.ModeSymlink != 0 {
			fi, err := os.Stat(path)
			if err != nil {
				continue // a dangling link
			}
			mode = fi.Mode()
		}
		if mode.IsRegular() {
			files = append(files, path)
		}
	}
	slices.Sort(files)
	return files, nil
}
