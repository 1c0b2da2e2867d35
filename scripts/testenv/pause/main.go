// The pod sandbox's pause container for the test node (scripts/testenv/node.ts), built locally because
// no public registry is reachable: it holds the Pod's namespaces and sleeps until SIGTERM/SIGINT.
package main

import (
	"os"
	"os/signal"
	"syscall"
)

func main() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGTERM, syscall.SIGINT)
	<-c
}
