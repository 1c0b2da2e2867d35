// kstatus: reads `kubectl get -o json` output on stdin (one object or a List with items) and prints
// one JSON line per object with the status sigs.k8s.io/cli-utils' kstatus computes for it
// (status.Compute: InProgress, Current, Failed, Terminating, NotFound or Unknown). The tests use it to
// check that RestApi, RestPath and UsagePlan objects read the way kstatus-based tools (kpt, Flux's
// kstatus health checks, cli-utils apply --wait) see them. Built by scripts/testenv/build-kstatus.sh.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"sigs.k8s.io/cli-utils/pkg/kstatus/status"
)

type line struct {
	Kind      string `json:"kind"`
	Namespace string `json:"namespace"`
	Name      string `json:"name"`
	Status    string `json:"status"`
	Message   string `json:"message"`
}

func main() {
	if err := run(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "kstatus:", err)
		os.Exit(1)
	}
}

func run(in io.Reader, out io.Writer) error {
	data, err := io.ReadAll(in)
	if err != nil {
		return fmt.Errorf("reading stdin: %w", err)
	}
	var obj map[string]interface{}
	// utiljson keeps whole numbers int64, as kubectl's own decoding does: kstatus reads
	// metadata.generation and status.observedGeneration with NestedInt64.
	if err := utiljson.Unmarshal(data, &obj); err != nil {
		return fmt.Errorf("stdin is not a JSON object (expected `kubectl get -o json` output): %w", err)
	}
	objects := []map[string]interface{}{obj}
	if items, isList := obj["items"].([]interface{}); isList || obj["kind"] == "List" {
		objects = objects[:0]
		for i, item := range items {
			m, ok := item.(map[string]interface{})
			if !ok {
				return fmt.Errorf("items[%d] is not an object", i)
			}
			objects = append(objects, m)
		}
	}
	w := bufio.NewWriter(out)
	enc := json.NewEncoder(w)
	for _, o := range objects {
		u := &unstructured.Unstructured{Object: o}
		l := line{Kind: u.GetKind(), Namespace: u.GetNamespace(), Name: u.GetName()}
		res, err := status.Compute(u)
		if err != nil {
			l.Status, l.Message = status.UnknownStatus.String(), err.Error()
		} else {
			l.Status, l.Message = res.Status.String(), res.Message
		}
		if err := enc.Encode(l); err != nil {
			return err
		}
	}
	return w.Flush()
}
