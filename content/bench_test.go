package content

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// The benchmarks parse a mix of synthetic documents shaped like the
// outlets' items (VOA, RFI, DW, NYT, BBC, RFA, CDT), of 2 KB to 45 KB as
// in the archive. BenchmarkHTMLParse runs x/net/html alone on the same
// bytes: the cost of extraction is the difference. BenchmarkParse measures
// ParseBytes, the path package ingest takes with the file's bytes in hand;
// BenchmarkParseReader the same through Parse, which copies the reader's
// bytes first. With CORPUS_DIR set, all three also run on the real items
// there.
//
//	go test -run '^$' -bench 'Parse' -benchmem -cpu 1 -count 5 ./content

func BenchmarkParse(b *testing.B) {
	for _, m := range benchMixes(b) {
		b.Run(m.name, func(b *testing.B) {
			runBench(b, m.docs, func(doc []byte) {
				if _, err := ParseBytes(doc); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

func BenchmarkParseReader(b *testing.B) {
	for _, m := range benchMixes(b) {
		b.Run(m.name, func(b *testing.B) {
			runBench(b, m.docs, func(doc []byte) {
				if _, err := Parse(bytes.NewReader(doc)); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

func BenchmarkHTMLParse(b *testing.B) {
	for _, m := range benchMixes(b) {
		b.Run(m.name, func(b *testing.B) {
			runBench(b, m.docs, func(doc []byte) {
				if _, err := html.Parse(bytes.NewReader(doc)); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

// runBench parses the whole mix once per iteration and reports documents
// and megabytes per second.
func runBench(b *testing.B, docs [][]byte, parse func([]byte)) {
	total := 0
	for _, d := range docs {
		total += len(d)
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		for _, d := range docs {
			parse(d)
		}
	}
	secs := time.Since(start).Seconds()
	b.ReportMetric(float64(b.N*len(docs))/secs, "docs/s")
	b.ReportMetric(float64(b.N*total)/secs/1e6, "MB/s")
}

type benchMix struct {
	name string
	docs [][]byte
}

func benchMixes(b *testing.B) []benchMix {
	mixes := []benchMix{{name: "mix", docs: syntheticMix()}}
	if dir := os.Getenv("CORPUS_DIR"); dir != "" {
		files, err := filepath.Glob(filepath.Join(dir, "*.md"))
		if err != nil {
			b.Fatal(err)
		}
		var docs [][]byte
		for _, f := range files {
			d, err := os.ReadFile(f)
			if err != nil {
				b.Fatal(err)
			}
			docs = append(docs, d)
		}
		mixes = append(mixes, benchMix{name: "corpus", docs: docs})
	}
	return mixes
}

// syntheticMix returns 58 documents: each outlet's form at eight sizes
// from 2 KB to 16 KB, as most items of the archive are, and two long ones
// of 30 KB and 45 KB; 8 KB on average, as the archive's.
func syntheticMix() [][]byte {
	var docs [][]byte
	sizes := []int{2, 3, 4, 5, 6, 8, 11, 16}
	for i, form := range benchForms {
		for j, size := range sizes {
			docs = append(docs, form(newBenchText(i*len(sizes)+j), size<<10))
		}
	}
	docs = append(docs, benchForms[4](newBenchText(100), 30<<10), benchForms[0](newBenchText(101), 45<<10))
	return docs
}

// benchText makes deterministic Chinese-looking sentences.
type benchText struct{ n int }

func newBenchText(seed int) *benchText { return &benchText{n: seed} }

const benchRunes = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权收证改清己美再采转更单风切打白教速花带安场身车例真务具万每目至达走积示议声报斗完类八离华名确才科张信马节话米整空元况今集温传土许步群广石记需段研界拉林律叫且究观越织装影算低持音众书布复容儿须际商非验连断深难近矿千周委素技备半办青省列习响约支般史感劳便团往酸历市克何除消构府称太准精值号率族维划选标写存候毛亲快效斯院查江型眼王按格养易置派层片始却专状育厂京识适属圆包火住调满县局照参红细引听该铁价严"

func (t *benchText) sentence() string {
	r := []rune(benchRunes)
	var s strings.Builder
	words := 18 + t.n%23
	for i := 0; i < words; i++ {
		t.n = (t.n*1103515245 + 12345) & 0x7fffffff
		s.WriteRune(r[t.n%len(r)])
		if i%9 == 8 {
			s.WriteString("，")
		}
	}
	s.WriteString("。")
	return s.String()
}

func (t *benchText) paragraph() string {
	return t.sentence() + t.sentence() + t.sentence()
}

func benchHeader(ms int64, u string, t *benchText) string {
	return fmt.Sprintf("<!--%d-->\n[%s](%s)\n------\n\n", ms, string([]rune(t.sentence())[:16]), u)
}

// benchForms build one outlet's item of about size bytes.
var benchForms = []func(t *benchText, size int) []byte{
	// VOA: RFC 1123 date, weserv photo with <div><small> caption, a
	// dateline, paragraphs as <br /><br /> inside <p>, inline photos.
	func(t *benchText, size int) []byte {
		var b strings.Builder
		b.WriteString(benchHeader(1700000000000, "https://www.voachinese.com/a/bench/7000001.html", t))
		b.WriteString(`<div><i>Tue, 14 Nov 2023 21:40:00 GMT</i></div><img src="https://images.weserv.nl?url=gdb.voanews.com/aaaa0000-1111_r1_s_w900.jpg" width="100%"><div><small style="color: #999;">` + t.sentence() + `</small></div>华盛顿 — <p>`)
		for i := 0; b.Len() < size-400; i++ {
			if i%8 == 7 {
				b.WriteString(`</p><div ><img  src="https://images.weserv.nl?url=gdb.voanews.com/bbbb` + fmt.Sprint(i) + `_w900.jpg" alt="` + t.sentence() + `" border="0"/><div><small style="color: #999;">` + t.sentence() + `</small></div></div><p>`)
			}
			b.WriteString(t.paragraph() + "<br /><br />")
		}
		b.WriteString(`<em>（本文依据了路透社的报道）</em></p><br><hr><div>获取更多RSS：<br><a href="https://feedx.net" style="color:orange" target="_blank">https://feedx.net</a><br></div>`)
		return []byte(b.String())
	},
	// RFI: Paris date, bold summary, lazy images in linked figures.
	func(t *benchText, size int) []byte {
		var b strings.Builder
		b.WriteString(benchHeader(1690000000000, "https://www.rfi.fr/cn/bench/20230722-x", t))
		b.WriteString(`<div>22/07/2023 - 05:30</div><img src="https://s.rfi.fr/media/display/0001/w:1280/p:16x9/a.jpg"><p><strong>` + t.paragraph() + `</strong></p><div class="t-content__body u-clearfix">`)
		for i := 0; b.Len() < size-300; i++ {
			if i%6 == 5 {
				b.WriteString(`<a href="https://www.rfi.fr/fr/x"><figure><picture><source type="image/webp" srcset="https://s.rfi.fr/media/display/` + fmt.Sprint(i) + `/b.webp" sizes=""/><img src="data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7" alt="Image RFI" srcset="https://s.rfi.fr/media/display/` + fmt.Sprint(i) + `/b.jpg" sizes="" loading="lazy"/></picture><figcaption><span>RFI Image Archive</span> <span>© RFI</span></figcaption></figure></a><p><strong>--` + string([]rune(t.sentence())[:10]) + `-</strong></p>`)
			}
			b.WriteString("<p>" + t.paragraph() + "</p>")
		}
		b.WriteString(`<p>（翻译编辑：RFI法广电台 小明）</p><div data-selfpromo-newsletter></div><div data-selfpromo-app></div></div>`)
		return []byte(b.String())
	},
	// DW: author and ISO time, weserv photos between paragraphs, headings.
	func(t *benchText, size int) []byte {
		var b strings.Builder
		b.WriteString(benchHeader(1710000000000, "https://www.dw.com/zh/bench/a-68000001", t))
		b.WriteString(`<div><i>王小明 <br>2024-03-09T15:20:30.125Z</i></div><img src="https://images.weserv.nl/?url=static.dw.com/image/1_303.jpg" width="100%"><div><small style="color: #999;">` + t.sentence() + `</small></div>`)
		for i := 0; b.Len() < size-300; i++ {
			if i%7 == 6 {
				b.WriteString(`<img src="https://images.weserv.nl/?url=static.dw.com/image/` + fmt.Sprint(i) + `_303.jpg" width="100%"><div><small style="color: #999;">` + t.sentence() + `</small></div><p><strong>` + string([]rune(t.sentence())[:9]) + `</strong></p>`)
			}
			b.WriteString(`<p>` + t.paragraph() + ` <a href="https://api.dw.com/api/detail/article/1" rel="ArticleRef">` + string([]rune(t.sentence())[:8]) + `</a>。</p>`)
		}
		b.WriteString(`<p> </p><p><em>© 2024年 德国之声版权声明：本文所有内容受到著作权法保护。</em></p>`)
		return []byte(b.String())
	},
	// NYT: address and time, figure with figcaption and cite, <p><img><small>, footer.
	func(t *benchText, size int) []byte {
		var b strings.Builder
		b.WriteString(benchHeader(1700006220000, "https://cn.nytimes.com/business/20231115/bench/", t))
		b.WriteString(`<address>张三, JANE DOE</address><time pudate="2023-11-15 07:50:00" datetime="2023-11-15 07:50:00">2023年11月15日</time><figure><img src="https://images.weserv.nl/?url=static01.nyt.com/images/2023/11/14/a-master1050.jpg" width="1050" height="700"><figcaption>` + t.sentence() + ` <cite>Jane Doe for The New York Times</cite></figcaption></figure><section>`)
		for i := 0; b.Len() < size-500; i++ {
			if i%6 == 5 {
				b.WriteString(`<p><img src="https://images.weserv.nl/?url=static01.nyt.com/images/2023/11/14/` + fmt.Sprint(i) + `-master1050.jpg"><small style="color: #999;">` + t.sentence() + `</small></p>`)
			}
			b.WriteString(`<p>` + t.paragraph() + `<a rel="noopener noreferrer" target="_blank" href="https://www.example.com/x">` + string([]rune(t.sentence())[:6]) + `</a>` + t.sentence() + `</p>`)
		}
		b.WriteString(`</section><footer><p>张三是《纽约时报》记者。</p><p>翻译：纽约时报中文网</p><p><a rel="nofollow" target="_blank" href="https://www.nytimes.com/x.html">点击查看本文英文版。</a></p></footer>`)
		return []byte(b.String())
	},
	// BBC: heavily classed grid, figure blocks with srcset and credit, ads, lists.
	func(t *benchText, size int) []byte {
		var b strings.Builder
		b.WriteString(benchHeader(1602000000000, "http://www.bbc.com/zhongwen/simp/bench-50000001", t))
		fig := func(i int) string {
			return `<div class="GridItemConstrainedLargeNoMargin-sc-12lwanc-5 tOkbK"><div class="Figure-sc-6a3dhy-0 gJUCFc"><div class="NestedGridParentLarge-sc-12lwanc-10 hfLVVX"><div class="NestedGridItemChildLarge-sc-12lwanc-9 fkKpIa"><div class="ImagePlaceholder-sc-11u25v2-0 kvTWeV"><div class="lazyload-wrapper"><div class="lazyload-placeholder"></div></div><img srcSet="https://ichef.bbci.co.uk/news/240/cpsprodpb/` + fmt.Sprint(i) + `/production/_1.jpg 240w, https://ichef.bbci.co.uk/news/480/cpsprodpb/` + fmt.Sprint(i) + `/production/_1.jpg 480w, https://ichef.bbci.co.uk/news/800/cpsprodpb/` + fmt.Sprint(i) + `/production/_1.jpg 800w" alt="A photo" src="https://images.weserv.nl/?url=ichef.bbci.co.uk/news/640/cpsprodpb/` + fmt.Sprint(i) + `/production/_1.jpg" width="976" class="StyledImg-sc-7vx2mr-0 dQLeqZ"/><p role="text" class="Copyright-sc-11lgtw-0 hDvIfz"><span class="VisuallyHiddenText-sc-1yjwwa5-0 ldFJPH">图像来源，</span><span lang="en-GB">Getty Images</span></p></div></div><div class="NestedGridItemChildLarge-sc-12lwanc-9 ichKJL"><p>` + t.sentence() + `</p></div></div></div></div>`
		}
		b.WriteString(`<main role="main"><div class="GridItemConstrainedLarge-sc-12lwanc-4 gVouae"></div><div class="GridItemConstrainedMedium-sc-12lwanc-2 fVauYi StyledTimestamp-uounnc-1 ebSCEt"><time dateTime="2020-10-06" class="StyledTimestamp-um718p-0 iENDai">40 分钟前</time></div>` + fig(0))
		for i := 0; b.Len() < size-300; i++ {
			switch i % 9 {
			case 4:
				b.WriteString(`<section aria-label="广告 2" aria-hidden="true" role="region" data-e2e="advertisement" class="AdContainer-sc-8mk8fx-0 itFDSt"><div id="dotcom-mpu" class="dotcom-ad"></div></section>`)
			case 6:
				b.WriteString(`<div class="GridItemConstrainedMedium-sc-12lwanc-2 fVauYi"><div class="Wrapper-e2169q-0 kopXQT"><ul dir="ltr" role="list" class="BulletedList-sc-13z0d8v-0 biIiLh"><li role="listitem" class="BulletedListItem-sc-13z0d8v-1 kHsWph"><a href="https://www.bbc.com/zhongwen/simp/x" class="InlineLink-hkwpaz-0 idscKS">` + t.sentence() + `</a></li></ul></div></div>`)
			case 7:
				b.WriteString(`<div class="GridItemConstrainedMedium-sc-12lwanc-2 fVauYi"><h2 id="x" tabindex="-1" class="SubHeading-sc-1kh1qhu-1 iZDonF">` + string([]rune(t.sentence())[:10]) + `</h2></div>` + fig(i))
			}
			b.WriteString(`<div class="GridItemConstrainedMedium-sc-12lwanc-2 fVauYi"><p class="Paragraph-k859h4-0 bWtIRA">` + t.paragraph() + `</p></div>`)
		}
		b.WriteString(`</main><br><hr><div>获取更多RSS：<br><a href="https://feedx.net" style="color:orange" target="_blank">https://feedx.net</a><br></div>`)
		return []byte(b.String())
	},
	// RFA: no date, related-link lists, figures inside <p>, bylines.
	func(t *benchText, size int) []byte {
		var b strings.Builder
		b.WriteString(benchHeader(1713000000000, "https://www.rfa.org/mandarin/bench/rice-04132024.html", t))
		for i := 0; b.Len() < size-300; i++ {
			switch i % 7 {
			case 1:
				b.WriteString(`<ul><li><strong><a class="state-published" href="https://www.rfa.org/mandarin/Xinwen/1.html">` + t.sentence() + `</a></strong></li><li><strong><a href="https://www.rfa.org/mandarin/Xinwen/2.html">` + t.sentence() + `</a></strong></li></ul><p><span class="result-title"> </span></p>`)
			case 3:
				b.WriteString(`<p><figure class="image-richtext image-inline captioned" style="width:1280px;"><img alt="` + t.sentence() + `" height="720" src="https://www.rfa.org/mandarin/bench/rice.jpg/@@images/` + fmt.Sprint(i) + `.jpeg" title="rice.jpg" width="1280"/><figcaption class="image-caption">` + t.sentence() + `</figcaption><small></small><div id="zoomattribute"><a data-fancybox="" href="https://www.rfa.org/mandarin/bench/rice.jpg"><img src="/++plone++rfa-resources/img/icon-zoom.png"/></a></div></figure></p><p><strong>` + string([]rune(t.sentence())[:12]) + `</strong></p>`)
			}
			b.WriteString(`<p>` + t.paragraph() + `</p>`)
		}
		b.WriteString(`<p>记者：陈十　责编：林一　网编：周二</p><p><span> </span></p>`)
		return []byte(b.String())
	},
	// CDT: WordPress captions with <noscript> and lazy images, embeds,
	// share buttons, the archive card.
	func(t *benchText, size int) []byte {
		var b strings.Builder
		b.WriteString(benchHeader(1620300000000, "https://chinadigitaltimes.net/chinese/700001.html", t))
		for i := 0; b.Len() < size-900; i++ {
			if i%8 == 0 {
				b.WriteString(`<div id="attachment_` + fmt.Sprint(i) + `" style="width: 610px" class="wp-caption aligncenter"><noscript><img class="wp-image-1" src="https://chinadigitaltimes.net/chinese/files/2021/05/` + fmt.Sprint(i) + `.jpeg" alt="" width="600" height="400" srcset="https://chinadigitaltimes.net/chinese/files/2021/05/` + fmt.Sprint(i) + `.jpeg 1024w, https://chinadigitaltimes.net/chinese/files/2021/05/` + fmt.Sprint(i) + `-300x200.jpeg 300w"></noscript><img class="lazyload wp-image-1" src="data:image/svg+xml,%3Csvg%3E%3C/svg%3E" data-src="https://chinadigitaltimes.net/chinese/files/2021/05/` + fmt.Sprint(i) + `.jpeg" alt="" width="600" height="400"><p class="wp-caption-text">` + t.sentence() + `</p></div>`)
			}
			if i%8 == 4 {
				b.WriteString(`<blockquote class="twitter-tweet"><p lang="zh" dir="ltr">` + t.sentence() + `</p>&mdash; someone <a href="https://twitter.com/x/status/1">May 5, 2021</a></blockquote><script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>`)
			}
			b.WriteString(`<p>` + t.paragraph() + `</p>`)
		}
		b.WriteString(`<p>CDT 档案卡<br>标题：夜市<br>作者：小河<br>发表日期：2021.5.6<br>来源：微博<br>版权说明：该作品版权归原作者所有。</p><div class="addtoany_share_save_container addtoany_content addtoany_content_bottom"><div class="a2a_kit a2a_kit_size_32 addtoany_list"><a class="a2a_button_facebook" href="https://www.addtoany.com/add_to/facebook?linkurl=x" title="Facebook" rel="nofollow noopener" target="_blank"></a><a class="a2a_button_twitter" href="https://www.addtoany.com/add_to/twitter?linkurl=x" title="Twitter" rel="nofollow noopener" target="_blank"></a></div></div>`)
		return []byte(b.String())
	},
}

// TestBenchMix checks that the benchmark's documents are what it claims:
// 2 KB to 45 KB, accepted, with a lead and a photo.
func TestBenchMix(t *testing.T) {
	for i, d := range syntheticMix() {
		if len(d) < 1800 || len(d) > 46<<10 {
			t.Errorf("document %d: got %d bytes, want 2 KB to 45 KB", i, len(d))
		}
		a, err := Parse(bytes.NewReader(d))
		if err != nil {
			t.Fatalf("document %d: got %v, want it parsed", i, err)
		}
		checkInvariants(t, a)
		if a.Lead == "" || a.Photo == nil {
			t.Errorf("document %d: got lead %q and photo %v, want both", i, a.Lead, a.Photo)
		}
	}
}
