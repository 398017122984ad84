// The runtime probe: a static program the runner copies into an image under test and runs as the image's user.
// It uses the image the way a real program does: the zoneinfo database through the time package, and the CA pool
// through SSL_CERT_FILE. Each check prints one line, "ok NAME detail" or "fail NAME reason"; any failure exits 1.
package main

import (
	"crypto/x509"
	"fmt"
	"os"
	"time"
)

var failed bool

func report(name string, err error, detail string) {
	if err != nil {
		failed = true
		fmt.Printf("fail %s %v\n", name, err)
		return
	}
	fmt.Printf("ok %s %s\n", name, detail)
}

func checkTimezone() {
	zone, err := time.LoadLocation("America/New_York")
	if err != nil {
		report("timezone", err, "")
		return
	}
	// A fixed instant on both sides of the daylight-saving change proves the rules were read, not just the name.
	winter := time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC).In(zone)
	summer := time.Date(2024, 7, 15, 12, 0, 0, 0, time.UTC).In(zone)
	_, winterOffset := winter.Zone()
	_, summerOffset := summer.Zone()
	if winterOffset != -5*3600 || summerOffset != -4*3600 {
		report("timezone", fmt.Errorf("America/New_York offsets are %ds and %ds, want -18000s and -14400s", winterOffset, summerOffset), "")
		return
	}
	local := os.Getenv("TZ")
	if local != "" {
		if _, err := time.LoadLocation(local); err != nil {
			report("timezone", fmt.Errorf("TZ=%s does not resolve: %v", local, err), "")
			return
		}
	}
	report("timezone", nil, "America/New_York EST/EDT resolved; TZ="+local)
}

func checkCertificates() {
	file := os.Getenv("SSL_CERT_FILE")
	if file == "" {
		report("ca-certificates", fmt.Errorf("SSL_CERT_FILE is not set"), "")
		return
	}
	pem, err := os.ReadFile(file)
	if err != nil {
		report("ca-certificates", err, "")
		return
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		report("ca-certificates", fmt.Errorf("%s holds no PEM certificate", file), "")
		return
	}
	system, err := x509.SystemCertPool() // reads SSL_CERT_FILE, as every Go program in the image would
	if err != nil {
		report("ca-certificates", err, "")
		return
	}
	if !system.Equal(pool) {
		report("ca-certificates", fmt.Errorf("the system pool is not the bundle in %s", file), "")
		return
	}
	report("ca-certificates", nil, fmt.Sprintf("%d roots loaded from %s", len(pool.Subjects()), file)) //nolint:staticcheck // only counted
}

func main() {
	for _, check := range os.Args[1:] {
		switch check {
		case "timezone":
			checkTimezone()
		case "ca-certificates":
			checkCertificates()
		default:
			report(check, fmt.Errorf("unknown check"), "")
		}
	}
	if failed {
		os.Exit(1)
	}
}
