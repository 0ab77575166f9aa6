package ingest

import (
	"encoding/json"
	"fmt"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/state"
)

// EncodeArticle is the store's form of an article (state.Article.Data).
func EncodeArticle(a *content.Article) ([]byte, error) {
	data, err := json.Marshal(a)
	if err != nil {
		return nil, fmt.Errorf("ingest: encode article %s: %w", a.ID, err)
	}
	return data, nil
}

// DecodeArticle reads an article from its stored form. It returns an error
// naming the article when the data is not an encoded content.Article.
func DecodeArticle(sa state.Article) (content.Article, error) {
	var a content.Article
	if err := json.Unmarshal(sa.Data, &a); err != nil {
		return a, fmt.Errorf("ingest: decode article %s: %w", sa.ID, err)
	}
	return a, nil
}
