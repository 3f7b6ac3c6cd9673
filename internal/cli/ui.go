package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"runtime"

	"github.com/spf13/cobra"
	"github.com/wirelens/wirelens/internal/ui"
)

type uiOpts struct {
	listen    string
	noOpen    bool
	maxUpload int64
}

func uiCmd(g *globals) *cobra.Command {
	o := &uiOpts{}
	c := &cobra.Command{
		Use:   "ui [FILE...]",
		Short: "Open the browser workspace: filter, message list, details, diagnostics, conversations, timeline",
		Long: "Serve the workspace on 127.0.0.1 (a free port) and open it in the browser. The URL carries a random\n" +
			"access token: requests without it are refused. The FILEs are opened and indexed in the background;\n" +
			"more traces can be opened from the page (file picker or drag and drop, uploaded to a temporary file).\n" +
			"Everything is served from the binary: no network access is needed. Stop it with Ctrl-C.",
		Example: "  wirelens ui trace.pcapng\n  wirelens ui --no-open a.pcap b.pcap\n  wirelens ui --listen 0.0.0.0:8080 trace.pcap",
		RunE:    func(cmd *cobra.Command, args []string) error { return runUI(cmd.Context(), g, o, args) },
	}
	c.Flags().StringVar(&o.listen, "listen", "", "address to listen on (default 127.0.0.1 on a free port); anything else exposes the traces to the network")
	c.Flags().BoolVar(&o.noOpen, "no-open", false, "print the URL but do not open the browser")
	c.Flags().Int64Var(&o.maxUpload, "max-upload", ui.DefaultMaxUpload, "largest trace the page may upload, in bytes")
	return c
}

func runUI(ctx context.Context, g *globals, o *uiOpts, files []string) error {
	if ctx == nil {
		ctx = context.Background()
	}
	srv, err := ui.New(ui.Options{MaxUpload: o.maxUpload})
	if err != nil {
		return &exitError{ExitError, err}
	}
	defer srv.Close()
	for _, f := range files {
		if f == "-" {
			return &exitError{ExitError, errors.New("the workspace reads files, not standard input")}
		}
		if _, err := srv.Open(f); err != nil {
			return &exitError{ExitError, fmt.Errorf("%s: %v", f, err)}
		}
	}
	ln, err := ui.Listen(o.listen)
	if err != nil {
		return &exitError{ExitError, err}
	}
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		fmt.Fprintf(g.stderr, "wirelens: warning: listening on %s: anyone who can reach it and has the URL can read the traces\n", ln.Addr())
		if ip != nil && ip.IsUnspecified() {
			host = "127.0.0.1"
		}
	}
	url := fmt.Sprintf("http://%s/?token=%s", net.JoinHostPort(host, port), srv.Token())
	fmt.Fprintf(g.stdout, "wirelens workspace: %s\n(Ctrl-C to stop)\n", url)
	if !o.noOpen {
		if err := openBrowser(url); err != nil {
			fmt.Fprintf(g.stderr, "wirelens: could not open a browser (%v): open the URL above\n", err)
		}
	}
	hs := &http.Server{Handler: srv}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	go func() {
		<-ctx.Done()
		hs.Close()
	}()
	if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return &exitError{ExitError, err}
	}
	return nil
}

// openBrowser opens url in the desktop's browser.
func openBrowser(url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", url)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.Command("xdg-open", url)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait()
	return nil
}
