;;; corpus-ls.el --- Eglot set-up for the corpus-ls language server  -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "28.1") (eglot "1.9"))
;; Keywords: languages, tools, wp
;; SPDX-License-Identifier: MIT

;;; Commentary:

;; corpus-ls checks folders of news articles and the notes written about them: hover on a
;; name or a number, the defining mention and every mention of an entity, and warnings where
;; a note's figure disagrees with the articles.  This file tells Eglot how to start it for
;; Markdown and plain-text buffers, one server per corpus for both, and finds the corpus the
;; way the server does: the nearest folder holding `corpus-ls.toml' or `.git', else the
;; folder above a `notes/' folder, else (a loose file) the file's folder, read bounded.
;;
;;   (require 'corpus-ls)
;;   (add-hook 'text-mode-hook #'corpus-ls-ensure)  ; Markdown modes derive from it
;;
;; See README.md next to this file.

;;; Code:

(require 'eglot)
(require 'project)
(require 'cl-lib)

(defgroup corpus-ls nil
  "The corpus-ls language server for articles and notes."
  :group 'eglot
  :prefix "corpus-ls-")

(defcustom corpus-ls-command '("corpus-ls" "serve")
  "Command that starts the server on stdio: the program, then its arguments."
  :type '(repeat string))

(defcustom corpus-ls-settings nil
  "Settings with the keys of corpus-ls.toml, as a plist.
Sent as initializationOptions, e.g. (:notes [\"memos/**\"] :severity
\(:figure-unsupported \"off\")).  Nil leaves everything to corpus-ls.toml.  For
workspace/configuration set `eglot-workspace-configuration' to
\(:corpus-ls SETTINGS) in .dir-locals.el."
  :type 'plist)

(defcustom corpus-ls-file-regexp "\\.\\(md\\|markdown\\|txt\\)\\'"
  "Files that belong to a corpus; `corpus-ls-ensure' starts Eglot only for these."
  :type 'regexp)

;; Kept for old set-ups: it is now one of `corpus-ls-root-markers'.
(defcustom corpus-ls-root-marker "corpus-ls.toml"
  "File that marks the root of a corpus, before `.git'."
  :type 'string)

(defcustom corpus-ls-root-markers '(".git")
  "Files or folders that mark a corpus root besides `corpus-ls-root-marker'."
  :type '(repeat string))

(defun corpus-ls--too-wide-p (dir)
  "Non-nil when DIR is never a corpus without `corpus-ls-root-marker'.
The filesystem root, the home folder and those above it, the temp folders."
  (let ((dir (file-name-as-directory (expand-file-name dir))))
    (or (equal dir (file-name-directory (directory-file-name dir)))
        (string-prefix-p dir (file-name-as-directory (expand-file-name "~")))
        (member dir (mapcar (lambda (d) (file-name-as-directory (expand-file-name d)))
                            (list temporary-file-directory "/tmp" "/var/tmp"))))))

(defun corpus-ls--unless-too-wide (dir)
  "DIR unless it is too wide to be a corpus (see `corpus-ls--too-wide-p')."
  (and dir
       (or (file-exists-p (expand-file-name corpus-ls-root-marker dir))
           (not (corpus-ls--too-wide-p dir)))
       (file-name-as-directory (expand-file-name dir))))

(defun corpus-ls-root (dir)
  "The corpus root of files in DIR by the server's rules, or nil for a loose file.
The nearest folder holding one of the root markers; else the folder above
the nearest `notes' folder, or DIR or its parent when it holds a `notes'
folder."
  (let* ((dir (file-name-as-directory (expand-file-name dir)))
         (markers (cons corpus-ls-root-marker corpus-ls-root-markers))
         (marked (locate-dominating-file
                  dir (lambda (d) (seq-some (lambda (m) (file-exists-p (expand-file-name m d)))
                                            markers))))
         (notes (locate-dominating-file
                 dir (lambda (d) (equal (file-name-nondirectory (directory-file-name d))
                                        "notes")))))
    (or (corpus-ls--unless-too-wide marked)
        (and notes (corpus-ls--unless-too-wide
                    (file-name-directory (directory-file-name notes))))
        (seq-some (lambda (d) (and (file-directory-p (expand-file-name "notes" d))
                                   (corpus-ls--unless-too-wide d)))
                  (list dir (file-name-directory (directory-file-name dir)))))))

(defun corpus-ls--contact (_interactive)
  "The Eglot contact: `corpus-ls-command' with `corpus-ls-settings'.
For a loose file (no corpus found) it says so: Eglot roots it at its
folder, which the server then reads bounded instead of whole."
  (let ((loose (and buffer-file-name
                    (null (corpus-ls-root (file-name-directory buffer-file-name))))))
    (append corpus-ls-command
            (list :initializationOptions
                  (lambda (_server)
                    (cond (loose (append '(:looseFolder t) corpus-ls-settings))
                          ;; An empty hash table goes out as {}, nil would go out as null.
                          (corpus-ls-settings)
                          (t (make-hash-table))))))))

(defconst corpus-ls--modes
  '((markdown-mode :language-id "markdown")
    (gfm-mode :language-id "markdown")
    (text-mode :language-id "plaintext"))
  "The modes one corpus-ls server manages: a corpus mixes Markdown and plain text.")

(defun corpus-ls--claims-markdown-p (entry)
  "Non-nil when the `eglot-server-programs' ENTRY names a Markdown mode."
  (let ((modes (car entry)))
    (seq-some (lambda (spec) (memq (car (ensure-list spec)) '(markdown-mode gfm-mode)))
              (if (or (symbolp modes) (keywordp (cadr modes))) (list modes) modes))))

(defun corpus-ls--register ()
  "Put corpus-ls in `eglot-server-programs' once, for Markdown and text.
It goes ahead of other Markdown servers and behind the entries before
them (such as TeX's: modes derived from text-mode keep their servers)."
  (let* ((others (seq-remove (lambda (e) (eq (cdr e) #'corpus-ls--contact))
                             eglot-server-programs))
         (pos (or (seq-position others t (lambda (e _) (corpus-ls--claims-markdown-p e)))
                  (length others))))
    (setq eglot-server-programs
          (append (seq-take others pos)
                  (list (cons corpus-ls--modes #'corpus-ls--contact))
                  (seq-drop others pos)))))

(corpus-ls--register)

;; Emacs 28 has no mode for `.md': with markdown-mode installed (Debian: elpa-markdown-mode)
;; use it, even where its autoloads were not read (batch Emacs); without it open Markdown as
;; text, since no server manages fundamental-mode.
(unless (rassq 'markdown-mode auto-mode-alist)
  (if (not (locate-library "markdown-mode"))
      (add-to-list 'auto-mode-alist '("\\.\\(md\\|markdown\\)\\'" . text-mode))
    (autoload 'markdown-mode "markdown-mode" "Major mode for Markdown." t)
    (add-to-list 'auto-mode-alist '("\\.\\(md\\|markdown\\)\\'" . markdown-mode))))

(defun corpus-ls-project-find (dir)
  "The corpus project of DIR (see `corpus-ls-root'), when it holds a corpus file."
  (let ((root (and (or (not buffer-file-name)
                       (string-match-p corpus-ls-file-regexp buffer-file-name))
                   (corpus-ls-root dir))))
    (and root (cons 'corpus-ls root))))

(cl-defmethod project-root ((project (head corpus-ls)))
  "The folder of the corpus PROJECT."
  (cdr project))

;; Ahead of the VC finder: a corpus inside a larger git repository is its own project.
(add-hook 'project-find-functions #'corpus-ls-project-find)

;;;###autoload
(defun corpus-ls-ensure ()
  "Start or join corpus-ls in this buffer when it visits a corpus file."
  (when (and buffer-file-name (string-match-p corpus-ls-file-regexp buffer-file-name))
    (eglot-ensure)))

(provide 'corpus-ls)
;;; corpus-ls.el ends here
