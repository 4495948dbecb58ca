// Command ferretdb-launcher runs FerretDB 1.x with its embedded SQLite backend on a loopback port.
//
// FerretDB's own command panics when built with `go install` (it wants a version file that the module
// does not ship), so the local stack embeds it through its public package instead.
package main

import (
	"context"
	"flag"
	"log"
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
