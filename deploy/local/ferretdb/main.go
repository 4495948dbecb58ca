// Command ferretdb-launcher runs FerretDB 1.x with its embedded SQLite backend on a loopback port.
//
// FerretDB's own command panics when built with `go install` (it wants a version file that the module
// does not ship), so the local stack embeds it through its public package instead.
package main

import (
	"context"
	"flag"
	"log"
	"log/slog"
	"net/http"
	_ "net/http/pprof" // served only with -pprof
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "address for the MongoDB wire protocol")
	dir := flag.String("dir", "", "folder that holds the SQLite databases (created when missing)")
	pprof := flag.String("pprof", "", "address for Go's profiler, e.g. 127.0.0.1:6061 (off when empty)")
	flag.Parse()
	if *dir == "" {
		log.Fatal("-dir is required: name the folder for the SQLite databases")
	}
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		log.Fatalf("cannot create %s: %v", *dir, err)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: *listen},
		Handler:  "sqlite",
		// WAL with synchronous=NORMAL: a killed process loses nothing; only an operating-system crash may lose
		// the last commits. FULL (the default) fsyncs every commit and made each write cost tens of milliseconds.
		SQLiteURL: "file:" + *dir + "/?_pragma=synchronous(normal)",
		Logger:    slog.New(&lazyHandler{inner: slog.NewTextHandler(os.Stderr, nil)}),
	})
	if err != nil {
		log.Fatalf("cannot configure FerretDB: %v", err)
	}

	if *pprof != "" {
		// `go tool pprof http://ADDRESS/debug/pprof/profile?seconds=30` shows where FerretDB spends its CPU.
		go func() { log.Println(http.ListenAndServe(*pprof, nil)) }()
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log.Printf("FerretDB listening on %s, data in %s", *listen, *dir)
	f.Run(ctx)
}

// lazyHandler formats a logger's attributes only when a record is written. FerretDB makes a logger with the SQL
// query and its arguments (whole documents) for every statement, and slog's own handlers format those attributes
// the moment the logger is made, whether or not anything is logged at that level: a ninth of FerretDB's CPU under
// load went to quoting documents nobody would read.
type lazyHandler struct {
	inner slog.Handler
	steps []func(slog.Handler) slog.Handler // WithAttrs and WithGroup, in order, applied when a record is written
}

func (h *lazyHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.inner.Enabled(ctx, level)
}

func (h *lazyHandler) Handle(ctx context.Context, record slog.Record) error {
	handler := h.inner
	for _, step := range h.steps {
		handler = step(handler)
	}
	return handler.Handle(ctx, record)
}

func (h *lazyHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return h.with(func(inner slog.Handler) slog.Handler { return inner.WithAttrs(attrs) })
}

func (h *lazyHandler) WithGroup(name string) slog.Handler {
	return h.with(func(inner slog.Handler) slog.Handler { return inner.WithGroup(name) })
}

func (h *lazyHandler) with(step func(slog.Handler) slog.Handler) slog.Handler {
	steps := make([]func(slog.Handler) slog.Handler, len(h.steps), len(h.steps)+1)
	copy(steps, h.steps)
	return &lazyHandler{inner: h.inner, steps: append(steps, step)}
}
