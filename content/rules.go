package content

import (
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// rules are the forms the extractor knows, the generic ones and those of
// every row of outlets, gathered once.
type rules struct {
	// dates are the date layouts by the shape of their text (see
	// dateShape): the outlets' first, in the order of outlets, then
	// commonDateLayouts.
	dates [numShapes][]dateLayout
	// boilerplate and footers are the starts of furniture paragraphs and
	// of footers; see isBoilerplate and isFooter.
	boilerplate, footers []string
	// skipClasses and figureClasses name, in part, the classes of
	// skipped blocks and of figure blocks; see extractor.kindOf.
	skipClasses, figureClasses []string
	// skipAttrs mark skipped blocks; see extractor.skipped.
	skipAttrs []attrRule
	// placeholders are parts of the URLs of non-content images, in lower
	// case; see skipImageURL.
	placeholders []string
	// furnitureStarts holds the first character of every pattern of
	// isByline, isBoilerplate and isFooter, after the brackets and dots
	// that may open them; see mayBeFurniture.
	furnitureStarts runeSet
	// zones are the outlets' zones, by key; outlets without a zone have
	// none here.
	zones map[string]*time.Location
}

// allRules returns the rules, gathered at the first call.
var allRules = sync.OnceValue(newRules)

func newRules() *rules {
	r := &rules{zones: make(map[string]*time.Location)}
	var layouts []string
	for i := range outlets {
		o := &outlets[i]
		layouts = append(layouts, o.dates...)
		r.boilerplate = append(r.boilerplate, o.boilerplate...)
		r.footers = append(r.footers, o.footers...)
		r.skipClasses = append(r.skipClasses, o.skipClasses...)
		r.figureClasses = append(r.figureClasses, o.figureClasses...)
		r.skipAttrs = append(r.skipAttrs, o.skipAttrs...)
		r.placeholders = append(r.placeholders, o.placeholders...)
		if o.zone != "" {
			r.zones[o.key] = loadZone(o.zone)
		}
	}
	layouts = append(layouts, commonDateLayouts[:]...)
	for _, l := range layouts {
		shape := dateShape(l)
		r.dates[shape] = append(r.dates[shape], dateLayout{
			layout:  l,
			zoned:   strings.Contains(l, "MST") || strings.Contains(l, "Z07") || strings.Contains(l, "-07"),
			dayOnly: !strings.Contains(l, "15") && !strings.Contains(l, ":04"),
		})
	}
	r.boilerplate = append(r.boilerplate, feedBoilerplate[:]...)
	r.footers = append(r.footers, feedFooters[:]...)
	r.skipClasses = append(r.skipClasses, skipClasses[:]...)
	r.figureClasses = append(r.figureClasses, figureClasses[:]...)

	for _, ps := range [][]string{bylineRoles[:], creditPrefixes[:], r.boilerplate, r.footers} {
		for _, p := range ps {
			if p = strings.TrimLeft(p, furnitureOpeners); p != "" {
				c, _ := utf8.DecodeRuneInString(p)
				r.furnitureStarts.add(c)
			}
		}
	}
	return r
}

// loadZone returns the zone named name.
func loadZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// Unreachable for the names in outlets (a test loads them):
		// time/tzdata embeds the database.
		return time.UTC
	}
	return loc
}
