package bot

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// maxPhotoRedirects is how many redirects a photo download follows.
const maxPhotoRedirects = 3

// errNotPublic is a photo address the bot refuses to reach: a seed
// document names its photos, and must not make the bot fetch anything on
// the machine or its network.
var errNotPublic = errors.New("not a public address")

// nonPublic are the address ranges IsPrivate and its kin do not cover but
// no public photo lives in.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),      // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),  // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),   // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"),  // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),    // reserved, and broadcast
	netip.MustParsePrefix("64:ff9b::/96"),   // NAT64: an IPv4 address inside
	netip.MustParsePrefix("64:ff9b:1::/48"), // local NAT64
	netip.MustParsePrefix("2001:db8::/32"),  // documentation
	netip.MustParsePrefix("100::/64"),       // discard
	netip.MustParsePrefix("2002::/16"),      // 6to4: an IPv4 address inside
	netip.MustParsePrefix("fec0::/10"),      // site-local
	netip.MustParsePrefix("2001::/32"),      // Teredo: an IPv4 address inside
	netip.MustParsePrefix("2001:10::/28"),   // ORCHID
	netip.MustParsePrefix("2001:20::/28"),   // ORCHIDv2
	netip.MustParsePrefix("255.255.255.255/32"),
}

// isPublic reports whether ip may be reached for a photo: not loopback,
// private, link-local, multicast, unspecified or reserved.
func isPublic(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsUnspecified() ||
		ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() || ip.IsMulticast() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// dialPublic is a net.Dialer's Control: it runs after DNS resolution, on
// the address about to be dialled, for every connection (redirects
// included), and refuses what isPublic refuses.
func dialPublic(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("bot: photo address %q: %w", address, err)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("bot: photo address %q: %w", address, err)
	}
	if !isPublic(ip) {
		return fmt.Errorf("bot: photo address %s: %w", ip, errNotPublic)
	}
	return nil
}

// checkPhotoRedirect follows at most maxPhotoRedirects redirects, to http
// and https URLs only.
func checkPhotoRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > maxPhotoRedirects {
		return fmt.Errorf("bot: photo %s: more than %d redirects", via[0].URL, maxPhotoRedirects)
	}
	if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
		return fmt.Errorf("bot: photo %s: redirected to a %q URL", via[0].URL, req.URL.Scheme)
	}
	return nil
}

// newPhotoClient is the default Options.PhotoClient: it reaches only
// public addresses (checked after DNS resolution and on every redirect),
// follows at most three redirects, to http and https only, uses no proxy
// (a proxy would dial for it, past the check), and gives up after 30 s.
func newPhotoClient() *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, Control: dialPublic}
	return &http.Client{
		Timeout:       30 * time.Second,
		CheckRedirect: checkPhotoRedirect,
		Transport: &http.Transport{
			DialContext:           dialer.DialContext,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: 15 * time.Second,
			MaxIdleConns:          16,
			IdleConnTimeout:       30 * time.Second,
		},
	}
}
