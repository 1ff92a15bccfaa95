;;; corpus-ls.el --- Eglot set-up for the corpus-ls language server  -*- lexical-binding: t; -*-

;; Version: 0.1.0
;; Package-Requires: ((emacs "28.1") (eglot "1.9"))
;; Keywords: languages, tools, wp
;; SPDX-License-Identifier: MIT

;;; Commentary:

;; corpus-ls checks folders of news articles and the notes written about them: hover on a
;; name or a number, the defining mention and every mention of an entity, and warnings where
;; a note's figure disagrees with the articles.  This file tells Eglot how to start it for
;; Markdown and plain-text buffers, and makes the folder holding `corpus-ls.toml' the project
;; root, so the whole corpus is one workspace.
;;
;;   (require 'corpus-ls)
;;   (add-hook 'markdown-mode-hook #'corpus-ls-ensure)
;;   (add-hook 'text-mode-hook #'corpus-ls-ensure)
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

(defcustom corpus-ls-root-marker "corpus-ls.toml"
  "File that marks the root of a corpus (the project root Eglot uses)."
  :type 'string)

(defun corpus-ls--contact (_interactive)
  "The Eglot contact: `corpus-ls-command' with the current `corpus-ls-settings'."
  (append corpus-ls-command
          (list :initializationOptions
                ;; An empty hash table goes out as {}, nil would go out as null.
                (lambda (_server) (or corpus-ls-settings (make-hash-table))))))

;; Markdown first, ahead of other Markdown servers, since loading this file asks for it.
(add-to-list 'eglot-server-programs
             `(((markdown-mode :language-id "markdown")
                (gfm-mode :language-id "markdown"))
               . ,#'corpus-ls--contact))
;; Plain text last: many modes derive from text-mode (LaTeX, Org, reST) and their own
;; servers must keep winning.
(add-to-list 'eglot-server-programs
             `(((text-mode :language-id "plaintext")) . ,#'corpus-ls--contact)
             t)

(defun corpus-ls-project-find (dir)
  "The corpus project of DIR: the nearest folder above holding the root marker.
The marker is `corpus-ls-root-marker'."
  (let ((root (locate-dominating-file dir corpus-ls-root-marker)))
    (and root (cons 'corpus-ls (expand-file-name root)))))

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
