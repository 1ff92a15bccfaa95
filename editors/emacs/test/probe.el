;;; probe.el --- Eglot + corpus-ls.el against a real server, in batch  -*- lexical-binding: t; -*-

;; Opens a file the way corpus-ls.el sets Eglot up, waits for its diagnostics, asks for hover
;; and references at a position and prints one JSON object on stdout.
;;
;;   PROBE_BIN=target/debug/corpus-ls PROBE_FILE=/corpus/notes/n.md PROBE_LINE=3 PROBE_COL=7 \
;;   emacs --batch -L editors/emacs -l editors/emacs/test/probe.el
;;
;; PROBE_LINE/PROBE_COL: LSP position (0-based line, UTF-16 column; ASCII lines assumed).
;; PROBE_WAIT_CODE: wait until the file's diagnostics include this code (at most 20 s).
;; Markdown files open in text-mode when markdown-mode is not installed, so the probe then
;; talks to corpus-ls as plain text; that is enough to check the Eglot set-up.

;;; Code:

(require 'corpus-ls)
(require 'json)

(defvar probe--diags nil "Diagnostics published per URI, latest first.")
(defvar probe--last 0 "When the last diagnostics arrived (`float-time').")

(defun probe--env (name &optional default)
  "The environment variable NAME, or DEFAULT when unset or empty."
  (let ((v (getenv name))) (if (or (null v) (string-empty-p v)) default v)))

(cl-defmethod eglot-handle-notification :before
  (_server (_method (eql textDocument/publishDiagnostics)) &key uri diagnostics
           &allow-other-keys)
  "Record what the server published."
  (setq probe--last (float-time))
  (push (cons uri diagnostics) probe--diags))

(defun probe--settled (uri code)
  "Non-nil when URI has diagnostics (with CODE among them, if non-nil) unchanged for 1 s."
  (let ((d (cdr (assoc uri probe--diags))))
    (and (> (length d) 0)
         (> (- (float-time) probe--last) 1.0)
         (or (null code)
             (seq-some (lambda (x) (equal (plist-get x :code) code)) d)))))

(let* ((file (expand-file-name (probe--env "PROBE_FILE")))
       (line (string-to-number (probe--env "PROBE_LINE" "0")))
       (col (string-to-number (probe--env "PROBE_COL" "0")))
       (corpus-ls-command (list (probe--env "PROBE_BIN" "corpus-ls") "serve"))
       (out (list))
       (eglot-sync-connect t))
  (find-file file)
  (unless (derived-mode-p 'text-mode) (text-mode))
  (apply #'eglot (eglot--guess-contact))
  (let ((server (eglot-current-server))
        (uri (eglot--path-to-uri file))
        (deadline (+ (float-time) 20)))
    ;; A server may publish in steps (before and after indexing): wait until it settles.
    (while (and (< (float-time) deadline)
                (not (probe--settled uri (probe--env "PROBE_WAIT_CODE"))))
      (accept-process-output nil 0.1))
    (goto-char (point-min))
    (forward-line line)
    (forward-char col)
    (let ((pos (eglot--TextDocumentPositionParams)))
      (push (cons 'project_root (project-root (eglot--project server))) out)
      (push (cons 'language_id (eglot--language-id server)) out)
      (push (cons 'diagnostics (cdr (assoc uri probe--diags))) out)
      (push (cons 'hover (jsonrpc-request server :textDocument/hover pos)) out)
      (push (cons 'references
                  (jsonrpc-request server :textDocument/references
                                   (append pos '(:context (:includeDeclaration t)))))
            out))
    (eglot-shutdown server))
  (princ (json-encode out))
  (terpri))

;;; probe.el ends here
