;;; probe.el --- Eglot + corpus-ls.el against a real server, in batch  -*- lexical-binding: t; -*-

;; Opens a file the way corpus-ls.el sets Eglot up, waits for its diagnostics, asks for hover
;; and references at a position and prints one JSON object on stdout.
;;
;;   PROBE_BIN=target/debug/corpus-ls PROBE_FILE=/corpus/notes/n.md PROBE_LINE=3 PROBE_COL=7 \
;;   emacs --batch -L editors/emacs -l editors/emacs/test/probe.el
;;
;; PROBE_LINE/PROBE_COL: LSP position (0-based line, UTF-16 column; ASCII lines assumed).
;; PROBE_WAIT_CODE: wait until the file's diagnostics include this code (at most 20 s).
;; PROBE_FIX_LINE/PROBE_FIX_CHAR (the LSP start of such a diagnostic), PROBE_FIX_FROM and
;; PROBE_FIX_TO: replace that text on that line in the buffer (no save), wait for the
;; warning to go, undo, wait for it to come back (at most 5 s each); the times go out as
;; `fix'.  PROBE_OTHER: a plain-text file of the same corpus, opened through the hook the
;; README sets; `other' says whether it joined the same server.
;; Markdown files open in text-mode when markdown-mode is not installed (corpus-ls.el sees
;; to that), so the probe then talks to corpus-ls as plain text.

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

(defun probe--warned (uri code line char)
  "Non-nil when URI's latest diagnostics hold CODE starting at LINE and CHAR."
  (seq-some (lambda (x)
              (let ((start (plist-get (plist-get x :range) :start)))
                (and (equal (plist-get x :code) code)
                     (equal (plist-get start :line) line)
                     (equal (plist-get start :character) char))))
            (cdr (assoc uri probe--diags))))

(defun probe--wait (pred seconds)
  "Wait until PRED holds, at most SECONDS; return the milliseconds waited, or nil."
  (let ((t0 (float-time)))
    (while (and (not (funcall pred)) (< (- (float-time) t0) seconds))
      (accept-process-output nil 0.02))
    (and (funcall pred) (round (* 1000 (- (float-time) t0))))))

(defun probe--idle ()
  "Send the buffer's pending changes, as Eglot does once Emacs is idle.
Batch Emacs is never idle, so its idle timer (`eglot-send-changes-idle-time',
0.5 s) would never fire; the times measured leave that half second out."
  (eglot--signal-textDocument/didChange))

(defun probe--settled (uri code)
  "Non-nil when URI has diagnostics (with CODE among them, if non-nil) unchanged for 1 s."
  (let ((d (cdr (assoc uri probe--diags))))
    (and (> (length d) 0)
         (> (- (float-time) probe--last) 1.0)
         (or (null code)
             (seq-some (lambda (x) (equal (plist-get x :code) code)) d)))))

(add-hook 'text-mode-hook #'corpus-ls-ensure)

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
    (push (cons 'major_mode major-mode) out)
    (push (cons 'diagnostics (cdr (assoc uri probe--diags))) out)
    (when-let ((fix-line (probe--env "PROBE_FIX_LINE")))
      (let* ((code (probe--env "PROBE_WAIT_CODE"))
             (fl (string-to-number fix-line))
             (fc (string-to-number (probe--env "PROBE_FIX_CHAR" "0")))
             (warned (lambda () (probe--warned uri code fl fc)))
             (fix (list (cons 'before (and (funcall warned) t)))))
        (goto-char (point-min))
        (forward-line fl)
        (undo-boundary)
        (if (not (search-forward (probe--env "PROBE_FIX_FROM") (line-end-position) t))
            (push (cons 'error "PROBE_FIX_FROM is not on the line") fix)
          (replace-match (probe--env "PROBE_FIX_TO") t t)
          (undo-boundary)
          (probe--idle)
          (push (cons 'modified_after_edit (buffer-modified-p)) fix)
          (push (cons 'gone_ms (probe--wait (lambda () (not (funcall warned))) 5)) fix)
          (let ((last-command nil)) (undo))
          (undo-boundary)
          (probe--idle)
          (push (cons 'back_ms (probe--wait warned 5)) fix)
          (push (cons 'saved_text_restored
                      (equal (buffer-string)
                             (with-temp-buffer (insert-file-contents file) (buffer-string))))
                fix))
        (push (cons 'fix fix) out)))
    (when-let ((other (probe--env "PROBE_OTHER")))
      (with-current-buffer (find-file-noselect (expand-file-name other))
        ;; eglot-ensure connects from post-command-hook, which batch mode never runs.
        (run-hooks 'post-command-hook)
        (push (cons 'other (list (cons 'major_mode major-mode)
                                 (cons 'managed (and eglot--managed-mode t))
                                 (cons 'same_server (eq (eglot-current-server) server))))
              out)))
    (push (cons 'server_count
                (apply #'+ (mapcar #'length (hash-table-values eglot--servers-by-project))))
          out)
    (goto-char (point-min))
    (forward-line line)
    (forward-char col)
    (let ((pos (eglot--TextDocumentPositionParams)))
      (push (cons 'project_root (project-root (eglot--project server))) out)
      (push (cons 'language_id (eglot--language-id server)) out)
      (push (cons 'hover (jsonrpc-request server :textDocument/hover pos)) out)
      (push (cons 'references
                  (jsonrpc-request server :textDocument/references
                                   (append pos '(:context (:includeDeclaration t)))))
            out))
    (when (probe--env "PROBE_EVENTS")
      (with-current-buffer (jsonrpc-events-buffer server)
        (message "%s" (buffer-string))))
    (eglot-shutdown-all))
  (princ (json-encode out))
  (terpri))

;;; probe.el ends here
