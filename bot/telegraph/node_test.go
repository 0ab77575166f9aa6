package telegraph

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestNodeJSON(t *testing.T) {
	tests := []struct {
		name string
		node Node
		want string
	}{
		{"text", Text("a < b & c"), `"a < b & c"`},
		{"empty text", Node{}, `""`},
		{"element", Elem("p", Text("x")), `{"tag":"p","children":["x"]}`},
		{"void element", Elem("br"), `{"tag":"br"}`},
		{"link", Link("https://a.example/?q=1&r=<2>", Text("go")), `{"tag":"a","attrs":{"href":"https://a.example/?q=1&r=<2>"},"children":["go"]}`},
		{"figure", Elem("figure", Image("https://i.example/1.jpg"), Elem("figcaption", Text("说明"))),
			`{"tag":"figure","children":[{"tag":"img","attrs":{"src":"https://i.example/1.jpg"}},{"tag":"figcaption","children":["说明"]}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := EncodeContent([]Node{tt.node})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := string(b), "["+tt.want+"]"; got != want {
				t.Fatalf("got %s, want %s", got, want)
			}
			if got := ContentSize([]Node{tt.node}); got != len(b) {
				t.Fatalf("ContentSize: got %d, want %d", got, len(b))
			}
			var back []Node
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, []Node{tt.node}) {
				t.Fatalf("round trip: got %#v, want %#v", back, tt.node)
			}
		})
	}
}

func TestNodeUnmarshalRefuses(t *testing.T) {
	for _, in := range []string{`[1]`, `[null]`, `[[]]`, `[{"tag":1}]`} {
		var n []Node
		if err := json.Unmarshal([]byte(in), &n); err == nil {
			t.Errorf("%s: got %#v, want an error", in, n)
		}
	}
}

func TestValidatePage(t *testing.T) {
	ok := []Node{Elem("p", Text("text"))}
	big := []Node{Elem("p", Text(strings.Repeat("x", MaxContentSize)))}
	tests := []struct {
		name string
		page Page
		want error
	}{
		{"ok", Page{Title: "T", Content: ok}, nil},
		{"every allowed tag", Page{Title: "T", Content: func() []Node {
			var ns []Node
			for tag := range allowedTags {
				ns = append(ns, Elem(tag, Text("x")))
			}
			return ns
		}()}, nil},
		{"no title", Page{Content: ok}, ErrTitleRequired},
		{"title of 256 characters", Page{Title: strings.Repeat("题", 256), Content: ok}, nil},
		{"title of 257 characters", Page{Title: strings.Repeat("题", 257), Content: ok}, ErrTitleTooLong},
		{"author name", Page{Title: "T", AuthorName: strings.Repeat("a", 129), Content: ok}, ErrAuthorNameTooLong},
		{"author URL", Page{Title: "T", AuthorURL: strings.Repeat("a", 513), Content: ok}, ErrAuthorURLTooLong},
		{"no content", Page{Title: "T"}, ErrContentRequired},
		{"no text", Page{Title: "T", Content: []Node{Elem("p", Text(" ")), Elem("hr")}}, ErrContentTextRequired},
		{"div", Page{Title: "T", Content: []Node{Elem("div", Text("x"))}}, ErrTagNotAllowed},
		{"nested h2", Page{Title: "T", Content: []Node{Elem("p", Elem("h2", Text("x")))}}, ErrTagNotAllowed},
		{"class", Page{Title: "T", Content: []Node{{Tag: "p", Attrs: map[string]string{"class": "x"}, Children: ok}}}, ErrAttrNotAllowed},
		{"too big", Page{Title: "T", Content: big}, ErrContentTooBig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidatePage(tt.page)
			if !errors.Is(err, tt.want) || (err == nil) != (tt.want == nil) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestContentSizeLimit(t *testing.T) {
	overhead := ContentSize([]Node{Elem("p", Text(""))})
	at := []Node{Elem("p", Text(strings.Repeat("x", MaxContentSize-overhead)))}
	if got := ContentSize(at); got != MaxContentSize {
		t.Fatalf("got size %d, want %d", got, MaxContentSize)
	}
	if err := ValidateContent(at); err != nil {
		t.Fatalf("at the limit: got %v, want nil", err)
	}
	over := []Node{Elem("p", Text(strings.Repeat("x", MaxContentSize-overhead+1)))}
	if err := ValidateContent(over); !errors.Is(err, ErrContentTooBig) {
		t.Fatalf("one byte over: got %v, want ErrContentTooBig", err)
	}
	// Multi-byte text counts its UTF-8 bytes.
	if got := ContentSize([]Node{Text("中")}); got != len(`["中"]`) {
		t.Fatalf("got %d, want %d", got, len(`["中"]`))
	}
}
