package content

import "testing"

func TestParagraphFilters(t *testing.T) {
	tests := []struct {
		text string
		bold bool   // wholly bold
		want string // "text", "heading", "byline", "boilerplate", "footer"
	}{
		{"一项新研究发现，城市鸟类的歌声变高了。", true, "text"},
		{"只是另一场营销宣传？", true, "heading"},
		{"--志愿者来自全国各地-", true, "heading"},
		{"~. Fin .~", true, "boilerplate"},
		{"学生最受益", true, "heading"},
		{"评论：中国以军工企业应对美国的新高科冷战将无法成功", false, "heading"},
		{"学者：抢购潮反映民众信心不足", false, "heading"},
		{"预计明天恢复正常", false, "text"},
		{"（德新社）", false, "text"},
		{"作者：小河", false, "byline"},
		{"记者：陈十　责编：林一　网编：周二", false, "byline"},
		{".（翻译编辑：RFI法广电台 小明）.", false, "byline"},
		{"（翻译和编辑：RFI 法广电台 小明）", false, "byline"},
		{"记者：您怎么看这件事？", false, "text"},
		{"文 / 周远", false, "byline"},
		{"文/ 记者 张三", false, "byline"},
		{"撰稿 / 李四", false, "byline"},
		{"编辑／王五", false, "byline"},
		{"（文：周远）", false, "byline"},
		{"文章的作者：", false, "heading"}, // not "文：": no byline
		{"文化部：将加强监管", false, "heading"},
		{"文/史类书籍今年销量上升，出版社说读者越来越年轻。", false, "text"},
		{"© 2024年 德国之声版权声明：本文所有内容受到著作权法保护。", false, "boilerplate"},
		{"图像来源，Getty Images", false, "boilerplate"},
		{"德国之声致力于为您提供客观中立的新闻报道。", false, "boilerplate"},
		{"点击查看本文英文版。", false, "boilerplate"},
		{"CDT 档案卡 标题：夜市重开", false, "footer"},
		{"【CDT 档案卡】 标题：夜市重开", false, "footer"},
		{"获取更多RSS： https://feedx.net", false, "footer"},
		{"Feed enhanced by Better Feed from Example Plugins", false, "boilerplate"},
		{"Feedback from readers poured in after the story ran.", false, "text"},
	}
	for _, tt := range tests {
		runes := runeCount(tt.text)
		got := "text"
		switch {
		case isFooter(tt.text):
			got = "footer"
		case isByline(tt.text, runes):
			got = "byline"
		case isBoilerplate(tt.text):
			got = "boilerplate"
		case tt.bold && isHeading(tt.text, runes), isPlainHeading(tt.text, runes):
			got = "heading"
		}
		if got != tt.want {
			t.Errorf("%q: got %s, want %s", tt.text, got, tt.want)
		}
	}
}

func TestClean(t *testing.T) {
	tests := []struct{ in, want string }{
		{"  a \n\t b  ", "a b"},
		{"這條老街\u00a0\u00a0已有\u3000百年", "這條老街 已有 百年"},
		{"攝\u200b影\ufeff展", "攝影展"},
		{"\u3000\u3000", ""},
		{"line\u2028break", "line break"},
		{"bad\x01control", "badcontrol"},
		{"mixed 中文 and English", "mixed 中文 and English"},
		{"bad\xffbyte\xe4\xb8", "badbyte"},
		{"surrogate\xed\xa0\x80.", "surrogate."},
		{"overlong\xe0\x80\xaf.", "overlong."},
		{"名·字 café — “引号”…", "名·字 café — “引号”…"},
	}
	for _, tt := range tests {
		if got := clean(tt.in); got != tt.want {
			t.Errorf("clean(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestFurnitureStarts checks that the quick test lets every pattern of
// isByline, isBoilerplate and isFooter through.
func TestFurnitureStarts(t *testing.T) {
	var patterns []string
	patterns = append(patterns, creditPrefixes[:]...)
	patterns = append(patterns, allRules().boilerplate...)
	patterns = append(patterns, allRules().footers...)
	for _, r := range bylineRoles {
		patterns = append(patterns, r+"：某某", "（"+r+"：某某）", r+" / 某某")
	}
	for _, p := range patterns {
		if !mayBeFurniture(p) {
			t.Errorf("mayBeFurniture(%q): got false, want true", p)
		}
	}
}
