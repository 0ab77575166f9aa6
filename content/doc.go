// Package content reads seed documents — archived RSS items, one news article
// per file — and summarizes each into an Article: a headline, a lead
// paragraph, a photo and the article's text.
//
// # Basics
//
// A seed document starts with three lines: an HTML comment holding the Unix
// time in milliseconds at which the feed saw the item, a markdown link whose
// text is the headline and whose target is the article's URL, and a line of
// dashes. The outlet's HTML follows. Parse reads one document; ParseFile
// reads one file; FeedTime reads only a document's first line (package
// ingest uses it to pass over old files without parsing them). Which files
// of a folder are documents, and choosing between two documents of one
// URL, so of one ID, is the caller's (the newer FeedTime wins). The errors wrap the sentinels ErrEmpty,
// ErrBinary, ErrNotUTF8, ErrTooLarge, ErrNoTime, ErrNoHeadline,
// ErrEmptyHeadline and ErrNoRule; a file's are *FileError.
//
// # Outlets
//
// The outlets the package knows — VOA, RFI, DW, the New York Times, BBC,
// RFA, China Digital Times — are one table, a row each: the hosts of their
// article URLs, their names in simplified and traditional Chinese and in
// English, the zone of their date blocks, and the forms of their items that
// the generic rules below don't know (their date layouts, furniture,
// footers, classes, placeholder images). Article.Outlet is the row's key
// ("voa", "rfi", …), else the URL's host; Article.Source is the outlet's
// name in simplified Chinese, else the host. Outlets lists the keys and
// OutletName gives a name in a language.
//
// # What is extracted
//
// The HTML is read in one walk of its tree (goquery over x/net/html, with
// <noscript> content parsed as HTML, so that its images count):
//
//   - Published: the leading date block of the outlet — VOA's RFC 1123
//     time in <div><i>, RFI's "dd/mm/yyyy - HH:MM" in Paris time, DW's
//     "author<br>ISO time", the NYT's <time datetime> (written in Beijing
//     time by its Chinese edition), BBC's <time dateTime> day refined by its
//     "N 分钟前" age from the feed time — else the feed time.
//   - Photo: the first content image, in the text, a figure block or a
//     heading (WordPress centres images in <h3>). Pixels, icons, emoji,
//     separators ("grey line"), avatars, logos and RFI's social-media
//     placeholder (RFI_FB.png) are skipped. Lazy images are read from
//     data-src or srcset. An images.weserv.nl URL is kept, its origin is
//     the first fallback; then come the two largest other srcset
//     candidates.
//   - Caption: the photo's <figcaption> without its <cite> or © credit,
//     WordPress's wp-caption-text, a <p> beside the image in its figure
//     block (BBC) that is not the "图像来源" credit, or the <small> right
//     after the image (VOA's <div><small>, NYT's <p><img><small>); else the
//     image's alt text.
//   - Paragraphs: one per <p>, or per part of a <p> between "<br /><br />"
//     (a single <br> is a space). Entities are decoded, white space
//     (including U+00A0 and U+3000) collapsed, zero-width characters
//     dropped; traditional characters are kept as written. Never
//     paragraphs: spacers, subheadings (a wholly bold line not ending a
//     sentence, or a short "谁：什么" line without a stop), bylines and
//     translator lines ("作者：", "记者：… 责编：…", "文 / …", "撰稿/ …"),
//     credits and copyright lines, headings, figure blocks and captions,
//     lists (RFA's and BBC's related links), embeds (iframes, tweets —
//     classed or a <blockquote> linking to the post —, WordPress post
//     embeds), scripts, share buttons, promotion blocks, ads, <footer> and
//     <address>, the feedx footer ("获取更多RSS"), the footer of WordPress
//     feed plugins ("Feed enhanced by …", in a <p> or a block of its own)
//     and China Digital Times' archive card ("CDT 档案卡") with all that
//     follows it.
//   - Lead: the first paragraph. Text written outside any <p> is dropped,
//     except a dateline before the first paragraph (VOA's "华盛顿 — "),
//     which opens it, as on the outlet's page. A document with no <p> at
//     all is read for the text its blocks hold directly, split the same
//     way and kept out by the same rules; runs shorter than 10 characters
//     are dropped there (RFI's stray "Array").
//
// # Caveats
//
// The HTML is parsed leniently, as a browser would: a truncated body is still
// read, and an incomplete character at the end of a document is dropped. A
// document of more than MaxSize bytes is refused without being read whole.
// UTF-8 is checked where it matters, as the bytes are read: a document is
// refused (ErrNotUTF8, or ErrBinary when it is mostly control characters)
// when its header lines or its article text are not UTF-8; stray bytes
// elsewhere, in a script or a caption, are ignored or dropped.
// The package imports nothing else from this module.
package content
