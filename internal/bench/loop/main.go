// Command loop is the benchmark's baseline: the plainest program that does
// what a check must at least do with each page, run in a process of its
// own so that its CPU time is read the same way as the check's. With
// -mode parse it GETs every page and parses it whole with html.Parse; with
// -mode tokenize it GETs every page and runs the HTML tokenizer only up to
// the end of the selection (the closing tag named by -until). It reads the
// URLs, one a line, from the file named by -urls.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"

	"golang.org/x/net/html"
)

func main() {
	mode := flag.String("mode", "", "parse (GET + full html.Parse) or tokenize (GET + tokenize to the end of the selection)")
	urlsFile := flag.String("urls", "", "file of URLs, one a line")
	concurrency := flag.Int("concurrency", 4, "pages fetched at once")
	until := flag.String("until", "main", "tokenize: the element whose closing tag ends the selection")
	flag.Parse()
	var each func([]byte) error
	switch *mode {
	case "parse":
		each = func(b []byte) error { _, err := html.Parse(bytes.NewReader(b)); return err }
	case "tokenize":
		each = func(b []byte) error { return tokenizeUntil(b, *until) }
	default:
		fmt.Fprintf(os.Stderr, "loop: -mode %q: want parse or tokenize\n", *mode)
		os.Exit(2)
	}
	if *concurrency < 1 || *urlsFile == "" {
		fmt.Fprintln(os.Stderr, "loop: -urls is required and -concurrency must be at least 1")
		os.Exit(2)
	}
	us, err := readURLs(*urlsFile)
	if err != nil {
		fmt.Fprintf(os.Stderr, "loop: %v\n", err)
		os.Exit(1)
	}
	if err := run(us, *concurrency, each); err != nil {
		fmt.Fprintf(os.Stderr, "loop: %v\n", err)
		os.Exit(1)
	}
}

func readURLs(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var us []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if u := strings.TrimSpace(sc.Text()); u != "" {
			us = append(us, u)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(us) == 0 {
		return nil, fmt.Errorf("%s: no URLs", path)
	}
	return us, nil
}

// run GETs every URL, at most concurrency at once, reads the whole body and
// hands it to each; it returns the first error.
func run(us []string, concurrency int, each func([]byte) error) error {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: concurrency}}
	sem := make(chan struct{}, concurrency)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	fail := func(err error) {
		mu.Lock()
		if first == nil {
			first = err
		}
		mu.Unlock()
	}
	for _, u := range us {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			resp, err := client.Get(u)
			if err != nil {
				fail(err)
				return
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				fail(fmt.Errorf("GET %s: %w", u, err))
				return
			}
			if resp.StatusCode != http.StatusOK {
				fail(fmt.Errorf("GET %s: status %d", u, resp.StatusCode))
				return
			}
			if err := each(body); err != nil {
				fail(fmt.Errorf("%s: %w", u, err))
			}
		}()
	}
	wg.Wait()
	return first
}

// tokenizeUntil runs the tokenizer over the page until the closing tag of
// the element named until, and fails if the page has none.
func tokenizeUntil(b []byte, until string) error {
	z := html.NewTokenizer(bytes.NewReader(b))
	for {
		switch z.Next() {
		case html.ErrorToken:
			if errors.Is(z.Err(), io.EOF) {
				return fmt.Errorf("no </%s>", until)
			}
			return z.Err()
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == until {
				return nil
			}
		}
	}
}
