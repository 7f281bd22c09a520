# Differential corpus: each case starts with "## name". Lines "#@ key value"
# set how it runs (they are comments to execlineb): opts (execlineb options),
# args (whitespace-separated), stdin (with \n escapes), file (run the script
# as a file, not -c), env K=V (added to the environment), ours-code / ours-err (2.9.9 behaviour that differs from
# Debian's 2.9.3: compared to this, not to Debian).
## lex-plain
echo a b c
## lex-quote-mid-word
echo e"f g"h ab"c"
## lex-empty-word
echo a "" b
## lex-comment
# a comment
echo a # not a comment start? it is
## lex-hash-in-word
echo k#l x#
## lex-backslash-space
echo \ y "z"
## lex-backslash-word
echo foo\bar \$x
## lex-backslash-newline-between
echo a \
b
## lex-backslash-newline-inside
echo foo\
bar
## lex-escapes-quoted
echo "\a\b\t\n\v\f\r"
## lex-escapes-numeric
echo "\x41\0x41\065\0101\z\"\\\#"
## lex-escape-decimal-extra
echo "\1234" "\65x"
## lex-escape-zero-error
echo "\0"
## lex-escape-00-error
echo "\00"
## lex-escape-256-error
echo "\256"
## lex-escape-0x-nodigit
echo "\0xg"
## lex-unterminated-quote
echo "abc
## lex-unterminated-quote-file
#@ file
echo "abc
#@ ours-code 100
#@ ours-err execlineb: fatal: syntax error in file SCRIPT\n
## lex-quoted-newline
echo "a
b"
## lex-quote-backslash-newline
echo "a\
b"
## lex-control-bytes
echo a	b c
## lex-cr
echo a b
## lex-hi-bytes
echo é ü
## lex-braces
foreground { echo a { b "" } "}" } echo x
## lex-brace-quoted
echo "{" "}" x
## lex-brace-in-word
echo {x }y x{ y}
## lex-brace-escaped
echo \{ \}
## lex-unmatched-close
echo }
## lex-unmatched-open
foreground { echo a
## lex-brace-last-byte
echo {
## lex-unmatched-close-file
#@ file
echo }
#@ ours-code 100
#@ ours-err execlineb: fatal: unmatched } in file SCRIPT\n
## lex-empty-script
## lex-only-comment
# nothing
## lex-shebang-line
#!/usr/bin/execlineb -P
echo shebang
## lex-backslash-eof-between
echo a \
## lex-backslash-eof-inword
echo a\
## lex-nested-blocks
foreground { foreground { echo in } echo mid } echo out
## lex-many-spaces
   echo    a     b
## lex-tab-words
echo	x	y
## lex-quote-adjacent
echo "a""b" "c"d"e"
## lex-dollar-literal
echo $1 ${x} $@ $#
## lex-empty-quote-mid
echo a""b
## eb-P
#@ opts -P
#@ args x y
echo $1 $#
## eb-S0
#@ opts -S0
#@ args x y
echo $0 $1 $2 $# $@
## eb-S2-few
#@ opts -S2
#@ args x
echo [$1] [$2] $#
## eb-S3-noargs
#@ opts -S3
echo a$@b c
## eb-S2-few-W
#@ opts -WS2
#@ args x
echo [$1] [$2] $#
## eb-S2-few-q
#@ opts -qS2
#@ args x
echo [$1] [$2] $#
## eb-S2-few-strict0
#@ opts -S2
#@ env EXECLINE_STRICT=0
echo [$1] [$2] $#
## eb-S2-few-strict2
#@ opts -S2
#@ env EXECLINE_STRICT=2
#@ args x
echo [$1] [$2] $#
## eb-s1
#@ opts -s1
#@ args a b c
echo $1 $2 $# $@ x${@}y
## eb-s0-literal
#@ opts -s0
echo $1 $@ end
## eb-S-at-split
#@ opts -S1
#@ args p q r
echo x${@}y
## eb-default-env
#@ args a b
importas -i n # importas -i one 1 importas -i two 2 echo $n $one $two
## eb-default-push
#@ args a
foreground { execlineb -c "importas -i x 1 importas -i y 1:1 echo $x $y" q } echo done
## eb-p-nopush
#@ opts -p
#@ args a
importas -D none old 1:1 importas -i one 1 echo $old $one
## eb-file-dollar0
#@ file
#@ args x
importas -i z 0 importas -i n # echo $n
## eb-badopt
#@ opts -z
## eb-noscript
#@ opts -P
#@ file
echo hi
## eb-W
#@ opts -W
importas -i s EXECLINE_STRICT echo $s
## eb-w
#@ opts -w
importas -i s EXECLINE_STRICT echo $s
## eb-exec-fail
nonexistent-command-xyz a
## eb-exec-eacces
/etc/passwd
## eb-exec-dir
/
## eb-comment-then-cmd
#!/bin/execlineb -S0
echo x
## sub-define
define V val echo "a $V b" "a ${V} b" "$V.txt" "/x/$V" "$V/x" "${V}_y" "$V_y" $V} $V$V "$$V"
## sub-define-backslash
define A v echo \\$A \\\\$A \\\\\\$A
## sub-define-brace-backslash
define A v echo "\\${A}" "\\\\${A}"
## sub-define-split
define -s A "  a  b " echo [${A}]
## sub-define-split-crunch
define -sC A "  a  b " echo [${A}]
## sub-define-split-delim
define -s -d : A "a:b::c" echo $A
## sub-define-split-zero
define -s A "" echo a${A}b c
## sub-define-split-product
define -s A "a b" define -s B "1 2" echo ${A}x${B}
## sub-define-chomp
define -n A "x
" echo [${A}]
## sub-define-nochomp
define A "x
" echo [${A}]
## sub-define-netstring
define -s -d "" A "1:a,2:bb,0:," echo [${A}]
## sub-define-netstring-bad
define -s -d "" A "3:a," echo [${A}]
## sub-define-usage
define A
## sub-define-badopt
define -z A b echo
## sub-define-nosplit-spaces
define A "a b" echo [${A}]
## sub-define-block-scope
foreground { define A in echo $A } echo $A
## sub-define-unknown-key
define A v echo ${B} $B ${A}
## sub-define-dollar-end
define A v echo $ $A$ x$A
## sub-define-inside-block
foreground { echo ${A} } define A v echo ${A}
## sub-importas
export V hello importas v V echo $v
## sub-importas-unset
importas V UNSET_XYZ echo x${V}y z
## sub-importas-default
importas -D def V UNSET_XYZ echo ${V}
## sub-importas-default-empty
importas -D "" V UNSET_XYZ echo [${V}]
## sub-importas-insist
importas -i V UNSET_XYZ echo ${V}
## sub-importas-insist-empty
export E "" importas -i V E echo [${V}]
## sub-importas-unexport
export V x importas -u v V foreground { env } echo $v
## sub-importas-split
export V "a b  c" importas -s v V echo [${v}]
## sub-importas-split-crunch-chomp
export V "a  b
" importas -sCn v V echo [${v}]
## sub-importas-keep-newline
export V "line
" importas v V echo [${v}]
## sub-importas-usage
importas A
## sub-import-legacy
#@ ours-code 0
#@ ours-out hi\n
#@ ours-err 
export V hi import V echo $V
## sub-import-legacy-opts
#@ ours-code 0
#@ ours-out [0]\n
#@ ours-err 
import -u -D0 UIDX echo [${UIDX}]
## sub-serial
export A wrong define B ${A} importas A A echo ${B}
## sub-parallel
export A wrong multisubstitute { define B ${A} importas A A } echo ${B}
## sub-multisubstitute
export H home multisubstitute { define A a importas -D x B NOPE importas H H } echo $A $B $H
## sub-multisubstitute-insist
multisubstitute { importas -i B NOPE } echo $B
## sub-multisubstitute-usage
multisubstitute
## sub-multisubstitute-unterminated
multisubstitute " define" " A" " a" echo $A
## sub-multidefine
multidefine "x y" { A B C } echo [$A] [$B] [$C]
## sub-multidefine-zero
multidefine -0 "x y" { A B C } echo [$A] [$B] x${C}y z
## sub-multidefine-rest
multidefine -r "x y z w" { A B } echo $A $B
## sub-multidefine-skip
multidefine "x y z" { A "" C } echo $A $C
## sub-multidefine-delim
multidefine -d : "a:b" { A B } echo $B$A
## sub-multidefine-usage
multidefine
## sub-elgetpositionals
#@ args a "b"
elgetpositionals echo $# $0 $1 $2 $@
## sub-elgetpositionals-P
#@ args a
elgetpositionals -P 3 echo [$3] $#
## sub-elgetpositionals-missing
#@ opts -P
#@ ours-code 100
#@ ours-err elgetpositionals: fatal: $# not set\n
elgetpositionals echo $1
## sub-elglob
foreground { mkdir -p gd/sub } foreground { touch gd/a1 gd/a2 gd/b1 } elglob -s G gd/a* echo $G
## sub-elglob-nomatch
elglob G gd-none/*.x echo $G
## sub-elglob-nomatch-0
elglob -0 G gd-none/*.x echo x${G}y z
## sub-elglob-mark
foreground { mkdir -p gm/d1 gm/d2 } foreground { touch gm/f } elglob -sm G gm/* echo $G
## sub-elglob-usage
elglob G
#@ ours-code 100
#@ ours-err elglob: usage: elglob [ -v ] [ -w ] [ -s ] [ -m ] [ -e ] [ -0 ] [ -n ] [ -d delim ] key pattern prog...\n
## sub-positional-split-at
#@ opts -S0
#@ args "a b" c
echo [$@]
## ctl-foreground
foreground { echo one } echo two
## ctl-foreground-status
foreground { sh -c "exit 3" } importas r ? echo $r
## ctl-foreground-signal
foreground { sh -c "kill -TERM $$" } importas r ? echo $r
## ctl-foreground-notfound
foreground { nonexistent-xyz } importas r ? echo $r
## ctl-foreground-unterminated
foreground echo a
## ctl-foreground-empty-rest
foreground { echo only }
## ctl-foreground-nested
foreground { foreground { echo 1 } echo 2 } foreground { echo 3 } echo 4
## ctl-background
background { echo bg } importas -i p ! wait { $p } echo waited
## ctl-background-d
background -d { true } importas -i p ! echo set
## ctl-background-usage
background -z { true } echo
## ctl-if-true
if { true } echo yes
## ctl-if-false
if { false } echo yes
## ctl-if-code
if { sh -c "exit 7" } echo yes
## ctl-if-code200
if { sh -c "exit 200" } echo yes
## ctl-if-crash
if { sh -c "kill -TERM $$" } echo yes
## ctl-if-crash-X
if -X { sh -c "kill -TERM $$" } echo yes
## ctl-if-n
if -n { false } echo yes
## ctl-if-n-true
if -n { true } echo yes
## ctl-if-t
if -t { false } echo yes
## ctl-if-x
if -x 9 { false } echo yes
## ctl-if-spawnfail
if { nonexistent-xyz } echo yes
## ctl-if-usage
if -z { true } echo
## ctl-if-unterminated
if
## ctl-ifelse-true
ifelse { true } { echo then } echo else
## ctl-ifelse-false
ifelse { false } { echo then } echo else
## ctl-ifelse-n
ifelse -n { false } { echo then } echo else
## ctl-ifelse-unterminated
ifelse { true }
## ctl-ifte-true
ifte { echo then } { echo else } true
## ctl-ifte-false
ifte { echo then } { echo else } false
## ctl-ifte-n
ifte -n { echo then } { echo else } true
## ctl-ifte-unterminated
ifte { echo then }
## ctl-ifthenelse
ifthenelse { true } { sh -c "exit 7" } { sh -c "exit 9" } importas r ? echo $r
## ctl-ifthenelse-false
ifthenelse { false } { sh -c "exit 7" } { sh -c "exit 9" } importas r ? echo $r
## ctl-ifthenelse-unterminated
ifthenelse { true } { echo }
## ctl-exit
exit 3
## ctl-exit-none
exit
## ctl-exit-300
exit 300
## ctl-exit-abc
exit abc
## ctl-exit-neg
exit -1
## ctl-loopwhilex
loopwhilex -x 0 sh -c "test -e lw && exit 0; touch lw; echo once; exit 1"
## ctl-loopwhilex-n
loopwhilex -n sh -c "test -e lwn && exit 0; touch lwn; echo once; exit 1"
## ctl-loopwhilex-code
loopwhilex sh -c "exit 4"
## ctl-loopwhilex-o
loopwhilex -o 3 sh -c "test -e lwo && exit 5; touch lwo; exit 3"
## ctl-loopwhilex-usage
loopwhilex
## ctl-forx
forx V { a b c } importas v V echo $v
## ctl-forx-E
forx -E V { a b } echo $V
## ctl-forx-fail-ignored
forx V { 1 2 } sh -c "echo $V; exit 3"
## ctl-forx-x
forx -x 3 V { 1 2 } sh -c "echo $V; exit 3"
## ctl-forx-o
forx -o 0 V { 1 2 } sh -c "echo $V; exit 3"
## ctl-forx-empty
forx V { } echo never
## ctl-forx-usage
forx V
#@ ours-code 100
#@ ours-err forx: usage: forx [ -E | -e ] [ -p | -P maxpar ] [ -o okcode,okcode,... | -x breakcode,breakcode,... ] var { values... } command...\n
## ctl-forx-p
forx -p V { a } importas v V echo $v
## ctl-forstdin
#@ stdin l1\nl2\nl3
forstdin V importas v V echo [$v]
## ctl-forstdin-N
#@ stdin l1\nl3
forstdin -N V importas v V echo [$v]
## ctl-forstdin-E
#@ stdin a\nb\n
forstdin -E V echo $V
## ctl-forstdin-delim
#@ stdin a:b:c:
forstdin -E -d : V echo $V
## ctl-forstdin-streams
pipeline { foreground { echo a } foreground { sh -c "i=0; until [ -e seen ] || [ $i -ge 500 ]; do sleep 0.01; i=$((i+1)); done; [ -e seen ] || echo waited-for-eof >&2" } echo b } forstdin -E X foreground { touch seen } echo ${X}
## ctl-forbacktickx-streams
forbacktickx -E X { foreground { echo a } foreground { sh -c "i=0; until [ -e seen ] || [ $i -ge 500 ]; do sleep 0.01; i=$((i+1)); done; [ -e seen ] || echo waited-for-eof >&2" } echo b } foreground { touch seen } echo ${X}
## ctl-forbacktickx-body-keeps-stdin
#@ stdin from-stdin\n
forbacktickx -E X { echo hi } sh -c "cat; echo got ${X}"
## ctl-forstdin-netstrings
#@ stdin 1:a,2:bb,0:,
forstdin -E -d "" X echo [${X}]
## ctl-forstdin-netstring-cut
#@ stdin 1:a,2:b
forstdin -E -d "" X echo [${X}]
## ctl-forstdin-multi-delims
#@ stdin a b;c
forstdin -d " ;" -E X echo [${X}]
## ctl-forstdin-nul-in-piece
#@ stdin ab\0cd\n
forstdin -E X echo [${X}]
## ctl-forstdin-E-not-exported
#@ stdin a\nb\n
forstdin -E X importas -D unset Y X echo $X $Y
## ctl-forx-E-not-exported
forx -E X { a b } importas -D unset Y X echo $X $Y
## ctl-forx-body-killed-goes-on
foreground { forx X { a b } foreground { echo $X } sh -c "kill \$\$" } importas r ? echo r=$r
## ctl-forx-x-killed-code
forx -x 143 X { a b } foreground { echo $X } sh -c "kill \$\$"
## ctl-forstdin-body-killed-goes-on
#@ stdin a\nb\n
foreground { forstdin X foreground { importas x X echo $x } sh -c "kill \$\$" } importas r ? echo r=$r
## ctl-forbacktickx
forbacktickx V { printf "l1\nl3" } importas v V echo $v
## ctl-forbacktickx-N
forbacktickx -N V { printf "l1\nl3" } importas v V echo [${v}]
## ctl-forbacktickx-C
forbacktickx -C V { printf "a\n\nb\n" } importas v V echo [${v}]
## ctl-wait-all
background { sleep 0.1 } background { echo bg } wait { } echo done
## ctl-wait-usage
wait -z
## ctl-tryexec-ok
tryexec { echo tried } echo fallback
## ctl-tryexec-fail
tryexec { nonexistent-xyz } echo fallback
## env-export
export A 1 importas a A echo $a
## env-export-usage
export A
## env-unexport
export A 1 unexport A importas -D unset a A echo $a
## env-unexport-usage
unexport
## env-export-empty-vs-unset
export A "" importas -D unset a A echo [$a]
## env-emptyenv
emptyenv /usr/bin/env
## env-emptyenv-p
emptyenv -p env
## env-emptyenv-c
#@ args a b
export ELGETOPT_x 1 export FD3 x export KEEP y emptyenv -c /usr/bin/env
## env-emptyenv-P
#@ args a b
foreground { execlineb -c "emptyenv -P /usr/bin/env" inner } echo
## env-emptyenv-usage
emptyenv -z
#@ ours-code 100
#@ ours-err emptyenv: usage: emptyenv [ -p | -l | -c | -o | -P ] prog...\n
## env-exec
exec echo hi
## env-exec-a
exec -a foo sh -c "echo $0"
## env-exec-l
exec -l -a foo sh -c "echo $0"
## env-exec-c
export Z z exec -c /usr/bin/env
## env-exec-usage
exec -z echo
## env-exec-empty
exec
## env-exec-notfound
exec nonexistent-xyz
## env-cd
cd / pwd
## env-cd-fail
cd /nonexistent-dir echo
## env-cd-usage
cd /
## env-umask
umask 027 sh -c umask
## env-umask-usage
umask
## env-umask-partial
umask 7z sh -c umask
## env-getpid
getpid P importas p P sh -c "test $p = $$ && echo same"
## env-getpid-usage
getpid
## env-getcwd
cd / getcwd D importas d D echo $d
## env-getcwd-usage
getcwd
## env-homeof
homeof root
## env-homeof-unknown
#@ ours-code 111
#@ ours-err homeof: fatal: unable to get passwd entry for nosuchuserxyz: no such user\n
homeof nosuchuserxyz
## env-homeof-usage
homeof
## env-withstdinas
#@ stdin hello\n
withstdinas V importas v V echo [$v]
## env-withstdinas-N
#@ stdin hello\n
withstdinas -N V importas v V echo [$v]
## env-withstdinas-E
#@ stdin hi
withstdinas -E V echo [$V]
## env-withstdinas-empty
withstdinas V importas v V echo [$v]
## env-withstdinas-usage
withstdinas
## env-envfile-stdin-quoted
#@ stdin A="x y"\n
envfile - importas -D unset a A echo [${a}]
## env-envfile-stdin-escaped-quote
#@ stdin A="a\"b"\n
envfile - importas -D unset a A echo [${a}]
## env-envfile-stdin-c-escapes
#@ stdin A="\101\x41\a."\n
envfile - importas -D unset a A echo [${a}]
## env-envfile-stdin-blanks
#@ stdin A = " x " \n
envfile - importas -D unset a A echo [${a}]
## env-envfile-stdin-quote-mid-word
#@ stdin A="a"b\n
envfile - importas -D unset a A echo [${a}]
## env-envfile-stdin-comment-after
#@ stdin A="a b" # c\n
envfile - importas -D unset a A echo [${a}]
## env-envfile-stdin-crlf
#@ stdin A=b\r\n
envfile - importas -D unset a A echo [${a}]
## env-envfile-stdin-continued
#@ stdin A=a\\nb\n
envfile - importas -D unset a A echo [${a}]
## env-envfile-stdin-no-key
#@ stdin =1\n
envfile - importas -D unset a A echo [${a}]
## env-envfile-stdin-space-in-key
#@ stdin A B=1\n
envfile - importas -D unset a A echo [${a}]
## env-envfile-stdin-unterminated
#@ stdin A="x\n
envfile - importas -D unset a A echo [${a}]
## env-envfile-stdin-comments-and-blank-lines
#@ stdin # c\n\nA=1\n
envfile - importas -D unset a A echo [${a}]
## sub-elglob-trailing-slash-dirs-only
foreground { mkdir d1 d2 } foreground { touch f1 c1 } elglob X */ echo $X
## sub-elglob-posix-class
foreground { touch c1 c2 cx } elglob X c[[:digit:]] elglob Y c[![:digit:]] echo $X $Y
## sub-elglob-dot-entries
foreground { mkdir d } foreground { touch .h d/.x } elglob -s X .* elglob -s Y d/.* elglob Z .?/ elglob -s W * echo $X / $Y / $Z / $W
## sub-elglob-noescape
foreground { touch q* qx } elglob -e X q\\* elglob Y q\\* echo $X / $Y
## args-export-name-with-equals
export A=B x env
## args-export-no-program
export A x
## args-unexport-name-with-equals
unexport A=B env
## args-unexport-no-program
unexport A
## args-umask-not-octal
umask x true
## args-umask-octal-prefix
umask 12x sh -c umask
## args-getpid-empty-name
getpid "" true
## args-getpid-name-with-equals
getpid X=Y true
## args-heredoc-no-program
heredoc 0 "x"
## ctl-ifthenelse-branch-not-spawned
ifthenelse { false } { exit 4 } { nonexistent-xyz } importas q ? echo $q
## sub-importas-i-wins-over-D
importas -i -D x v V echo $v
## sub-importas-D-then-i
importas -D x -i v V echo $v
## fd-pipeline-d-not-a-child
pipeline -d { sleep 0.2 } wait -o { } importas -D u q ? echo done $q
## fd-heredoc-d-not-a-child
heredoc -d 0 hello wait -o { } importas -D u q ? echo done $q
## fd-pipeline-d-data
pipeline -d { echo hi } cat
## fd-heredoc-d-data
heredoc -d 0 hello cat
## env-backtick
backtick V { echo out } importas v V echo [${v}]
## env-backtick-E
backtick -E V { echo out } echo [$V]
## env-backtick-n
backtick -N V { echo out } importas v V echo [${v}]
## env-backtick-fail
backtick V { sh -c "echo x; exit 3" } echo never
## env-backtick-I
backtick -I V { sh -c "echo x; exit 3" } importas -D unset v V echo [${v}]
## env-backtick-D
backtick -D dflt V { sh -c "exit 3" } importas v V echo [${v}]
## env-backtick-nul
backtick V { printf "a\0b" } echo never
## env-backtick-usage
backtick
## env-dollarat
#@ args a b c
dollarat
## env-dollarat-n
#@ args a b
dollarat -n
## env-dollarat-d
#@ args a b
dollarat -d :
## env-dollarat-0
#@ args a b
pipeline { dollarat -0 } od -c
## env-dollarat-usage
dollarat -z
## env-shift
#@ args a b c
shift importas -i n # importas -i x 1 echo $n $x
## env-shift-n
#@ args a b c
shift -n 2 importas -i n # importas -i x 1 echo $n $x
## env-shift-over
#@ args a
shift -n 2 importas -i n # echo $n
## env-shift-usage
shift -z
## env-elgetopt
#@ args -ab val -- -x y
elgetopt ab: importas a ELGETOPT_a importas b ELGETOPT_b importas n # echo $a $b $n
## env-elgetopt-usage
elgetopt
## fd-fdmove
fdmove -c 2 1 sh -c "echo err >&2"
## fd-fdmove-move
fdmove 3 1 sh -c "echo to3 >&3"
## fd-fdmove-usage
fdmove 1
## fd-fdmove-badnum
fdmove a 1 echo
## fd-fdclose
fdclose 1 sh -c "echo x 2>/dev/null || echo closed >&2"
## fd-fdclose-usage
fdclose
## fd-fdswap
fdswap 1 2 sh -c "echo out; echo err >&2"
## fd-fdswap-usage
fdswap 1
## fd-fdreserve
fdreserve 3 importas a FD0 importas b FD1 importas c FD2 echo $a $b $c
## fd-fdreserve-usage
fdreserve
## fd-redirfd-w
foreground { redirfd -w 1 rf.txt echo written } cat rf.txt
## fd-redirfd-a
foreground { redirfd -w 1 ra.txt echo 1 } foreground { redirfd -a 1 ra.txt echo 2 } cat ra.txt
## fd-redirfd-r
foreground { redirfd -w 1 rr.txt echo content } redirfd -r 0 rr.txt cat
## fd-redirfd-x
foreground { redirfd -w 1 rx.txt echo 1 } redirfd -x 1 rx.txt echo 2
## fd-redirfd-missing
redirfd -r 0 /nonexistent-file cat
## fd-redirfd-usage
redirfd -r 0
#@ ours-code 100
#@ ours-err redirfd: usage: redirfd -[ r | w | u | a | x ] [ -N | -n ] [ -b ] [ -f ] [ -E | -e ] fd|var file prog...\n
## fd-redirfd-noflag
redirfd 0 x cat
#@ ours-code 100
#@ ours-err redirfd: usage: redirfd -[ r | w | u | a | x ] [ -N | -n ] [ -b ] [ -f ] [ -E | -e ] fd|var file prog...\n
## fd-redirfd-badopt
redirfd -z 0 x
#@ ours-code 100
#@ ours-err redirfd: usage: redirfd -[ r | w | u | a | x ] [ -N | -n ] [ -b ] [ -f ] [ -E | -e ] fd|var file prog...\n
## fd-redirfd-u
foreground { redirfd -w 1 ru.txt echo abc } foreground { redirfd -u 1 ru.txt echo X } cat ru.txt
## fd-piperw
piperw 3 4 foreground { fdmove 1 4 echo through } fdclose 4 fdmove 0 3 head -1
## fd-piperw-usage
piperw 3
## fd-pipeline
pipeline { echo piped } tr a-z A-Z
## fd-pipeline-w
pipeline -w { tr a-z A-Z } echo rev
## fd-pipeline-chain
pipeline { echo abc } pipeline { tr a-z A-Z } cat
## fd-pipeline-unterminated
pipeline echo a
## fd-heredoc
heredoc 0 "hello doc
" cat
## fd-heredoc-fd3
heredoc 3 "on3" sh -c "cat <&3; echo"
## fd-heredoc-usage
heredoc 0
## fd-fdblock
fdblock 0 echo ok
## fd-fdblock-usage
fdblock
## test-eltest-true
eltest a = a
## test-eltest-false
eltest a = b
## test-eltest-none
eltest
## test-eltest-single
eltest word
## test-eltest-empty-single
eltest ""
## test-eltest-n-alone
eltest -n
## test-eltest-op-as-data
eltest -n = -n
## test-eltest-backslash
eltest \\-n = \\-n
## test-eltest-int
eltest 3 -lt 10
## test-eltest-int-bad
eltest 1 -eq a
## test-eltest-int-space
eltest " 1" -eq 1
## test-eltest-neg
eltest -3 -lt 2
## test-eltest-and-or
eltest a = a -a b = c -o x
## test-eltest-not
eltest ! a = b
## test-eltest-parens
eltest ( a = b -o c = c ) -a d
## test-eltest-lparen
eltest ( a
## test-eltest-rparen
eltest )
## test-eltest-toomany
eltest a = b c
## test-eltest-twowords
eltest a b
## test-eltest-dangling-and
eltest a -a
## test-eltest-files
foreground { touch tf mkdir -p td } if { eltest -f tf -a -d td -a -e tf -a ! -d tf } echo files
## test-eltest-file-missing
eltest -e /nonexistent-xyz
## test-eltest-z
eltest -z ""
## test-eltest-strcmp
eltest abc < abd
## test-eltest-ef
eltest / -ef /
## test-eltest-x
eltest -x /bin/sh
## test-eltest-s
eltest -s /etc/passwd
## test-eltest-h
foreground { ln -sf /x tl } eltest -h tl
## test-eltest-t
eltest -t 0
## test-eltest-ge
eltest 5 -ge 5 -a 4 -le 4 -a 1 -ne 2 -a 3 -gt 2
## test-eltest-str-ops
eltest b > a -a a <= a -a b >= a -a a != b
## chain-many
export A 1 export B 2 define C 3 importas a A importas b B fdmove -c 2 1 umask 022 cd / echo $a $b $C
## chain-env-order
emptyenv -p export Z 1 export A 2 export Z 3 /usr/bin/env
## chain-argv0
exec -a weird sh -c "echo $0"
## chain-comm
cat /proc/self/comm
## chain-comm-after-export
export A 1 cat /proc/self/comm
## chain-exit-code
foreground { exit 5 } importas r ? exit $r
## chain-execlineb-inner
execlineb -c "echo inner"
## chain-execlineb-inner-S
execlineb -S1 -c "echo $1" arg
## misc-env-full
#@ args x
/usr/bin/env
## misc-rs6-exec-self-slash
/usr/bin/printf "%s\n" abc
## misc-if-chain
if { true } if { true } if -n { false } echo deep
## misc-backtick-chain
backtick -n A { echo a } backtick -n B { echo b } importas a A importas b B echo $a$b
## misc-forx-nested
forx -E X { 1 2 } forx -E Y { a b } echo $X$Y
## misc-define-in-forx
forx -E X { 1 2 } define Y y$X echo $Y
## misc-heredoc-withstdinas
heredoc 0 "data" withstdinas -E V echo [$V]
## misc-pipeline-status
pipeline { echo x } importas -i p ! eltest $p -gt 0
## misc-unquoted-block
foreground echo a "" echo b
## misc-strict-unquoted
#@ opts -W
foreground " echo" a "" echo b
## misc-empty-command-after-block
if { true }
## misc-quoted-brace-arg
echo "{"
## misc-braces-chain
foreground { if { true } echo a } echo b
## misc-ifelse-nested
ifelse { false } { echo a } ifelse { true } { echo b } echo c
## misc-substitute-in-block
define A a foreground { echo $A } echo ${A}b
## misc-block-prefix-preserved
define -s A "x y" foreground { echo $A } echo done
## misc-define-value-with-brace
define A "}" echo $A
## misc-define-empty
define A "" echo [$A]
## misc-define-empty-key
define "" x echo y
## misc-importas-two-vars
export A a export B b importas x A importas y B echo $x$y ${x}${y} $x$y
## misc-nested-multisub
export H h multisubstitute { define A ${H} importas H H } echo $A $H
## misc-forx-var-env
forx V { a } /usr/bin/printenv V
## misc-backtick-empty
backtick V { true } importas v V echo [${v}]
## misc-exit-255
exit 255
## misc-exit-256
exit 256
## misc-umask-effect
umask 077 foreground { redirfd -w 1 um.txt true } stat -c %a um.txt
## misc-redirfd-cat-stdin
#@ stdin piped-in\n
cat
## misc-trailing-spaces-word
echo "a " " b"
## misc-quote-hash
echo "#x" '#y'
## misc-single-quote-literal
echo 'a b'
## misc-octal-max
echo "\0377" | od -c
## misc-dollar-brace-unclosed
define A v echo ${A ${A}
## misc-define-dollar-in-value
define A "$B" define B b echo $A
## misc-many-args
echo 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30
## misc-deep-nesting
foreground { foreground { foreground { foreground { echo 4 } echo 3 } echo 2 } echo 1 } echo 0
## misc-background-wait
background { exit 3 } importas -i p ! wait { $p } echo w
## misc-loop-break
forx -x 0 V { a b c } eltest $V = b
## misc-shift-b
#@ args " x" "" y
shift -b 1 importas -i n # echo $n
## v299-foreground-eacces
#@ ours-code 0
#@ ours-out 126\n
foreground { /etc/passwd } importas r ? echo $r
## v299-foreground-empty-block
foreground { } importas r ? echo $r
## v299-backtick-sets-status
#@ ours-code 0
#@ ours-out 1\n
backtick -I V { false } importas -D unset q ? echo $q
## v299-backtick-D-status
#@ ours-code 0
#@ ours-out [dflt] 3\n
backtick -D dflt V { sh -c "exit 3" } importas v V importas q ? echo [${v}] $q
## v299-backtick-E-status
#@ ours-code 0
#@ ours-out [out] 0\n
backtick -E -I V { echo out } echo [${V}] $?
## v299-backtick-I-keeps-output
#@ ours-code 0
#@ ours-out [x] 3\n
backtick -I V { sh -c "echo x; exit 3" } importas -D unset v V importas q ? echo [${v}] $q
## v299-backtick-x-unsets
#@ ours-code 0
#@ ours-out [unset] 3\n
backtick -x V { sh -c "echo x; exit 3" } importas -D unset v V importas q ? echo [${v}] $q
## v299-backtick-E-I-takes-them-out
#@ ours-code 0
#@ ours-out [x] 3 [u] [u]\n
backtick -E -I V { sh -c "echo x; exit 3" } importas -D u v V importas -D u q ? echo [${V}] $? [${v}] [${q}]
## v299-backtick-E-x-leaves-it-written
#@ ours-code 0
#@ ours-out [${V}] 3\n
#@ ours-err 
backtick -E -x V { sh -c "exit 3" } echo [${V}] $?
## v299-backtick-empty-remainder
#@ ours-code 100
#@ ours-err backtick: fatal: the command line after the block must not be empty\n
backtick V { echo a }
## env-backtick-keeps-foreground-status
foreground { exit 3 } backtick X { echo a } importas q ? echo $q
## env-backtick-E-keeps-foreground-status
foreground { exit 3 } backtick -E X { echo a } importas -D unset q ? echo $q ${X}
## env-withstdinas-nul-I
#@ stdin a\0b
withstdinas -I X importas -D unset x X echo [${x}]
## env-withstdinas-nul-plain
#@ stdin a\0b\n
withstdinas X importas -D unset x X echo [${x}]
## v299-importas-S
#@ ours-code 0
#@ ours-out /root\n
#@ ours-err 
importas -S HOME echo $HOME
## eb-many-args-push
#@ args a b c d e f g h i j k l
importas -i n # importas -i t 12 importas -i z 0 /usr/bin/env
## eb-S-many-args
#@ opts -S0
#@ args a b c d e f g h i j k l
echo $10 ${11} $12 $#
## eb-nested-push
#@ args outer
foreground { execlineb -c "foreground { execlineb -c \"/usr/bin/env\" in2 } echo" in1 } echo
## toomany-exit
exit 1 2
## toomany-homeof
homeof root extra
## toomany-dollarat
#@ args a
dollarat extra
## unknown-command
frobnicate-nothing-xyz
## unknown-command-in-block
foreground { frobnicate-nothing-xyz } importas r ? echo r=$r
## strict-block-numbers
#@ opts -w
ifelse { true } { echo x y } echo
## strict-block-3
#@ opts -w
ifthenelse { true } { echo } " echo" y "" echo z
## strict-forx
#@ opts -w
forx V " a" b "" echo
## strict-invalid
#@ env EXECLINE_STRICT=abc
echo x
## env-withstdinas-nul
withstdinas V importas v V echo $v
#@ stdin a\0b
## env-withstdinas-nul-i
#@ stdin a\0b
withstdinas -i V importas v V echo $v
## env-withstdinas-nul-I
#@ stdin a\0b
withstdinas -I V importas -D unset v V echo $v
## env-withstdinas-nul-D
#@ stdin a\0b
withstdinas -D dd V importas -D unset v V echo $v
## env-backtick-nul-D
backtick -D dd V { printf "a\0b" } importas -D unset v V echo $v
## env-backtick-nul-I
backtick -I V { printf "a\0b" } importas -D unset v V echo $v
## more-forx-o-stop
forx -o 0,3 V { 1 2 } sh -c "echo $V; exit 4"
## more-forx-x-list
forx -x 5,3 V { 1 2 3 } sh -c "echo $V; exit $V"
## more-forstdin-x
#@ stdin a\nb\nc\n
forstdin -x 1 V sh -c "echo $V; test $V = b && exit 1; exit 0"
## more-forstdin-C
#@ stdin a\n\n\nb\n
forstdin -C -E V echo [${V}]
## more-forstdin-0
forstdin -0 -E V echo [${V}]
#@ stdin x\0y\0
## more-forstdin-usage
forstdin
#@ ours-code 100
#@ ours-err forstdin: usage: forstdin [ -E | -e ] [ -p | -P maxpar | -o okcode,okcode,... | -x breakcode,breakcode,... ] [ -N | -n ] [ -C | -c ] [ -0 | -d delim ] var command...\n
## more-forstdin-empty
forstdin -E V echo never
## more-loopwhilex-x-list
loopwhilex -x 2,3 sh -c "test -e lx && exit 3; touch lx; exit 0"
## more-loopwhilex-crash
loopwhilex sh -c "kill -TERM $$"
## more-if-X-t
if -X -t { sh -c "kill -TERM $$" } echo yes
## more-if-X-x
if -X -x 42 { sh -c "kill -TERM $$" } echo yes
## more-if-n-crash
if -n { sh -c "kill -TERM $$" } echo yes
## more-ifelse-crash
ifelse { sh -c "kill -TERM $$" } { echo a } echo b
## more-ifelse-X-crash
ifelse -X { sh -c "kill -TERM $$" } { echo a } echo b
## more-ifte-X
ifte -X { echo a } { echo b } sh -c "kill -TERM $$"
## more-ifthenelse-crash
ifthenelse { sh -c "kill -KILL $$" } { echo a } { echo b } echo c
## more-ifthenelse-signal-status
ifthenelse { true } { sh -c "kill -TERM $$" } { echo b } importas r ? echo $r
## more-ifthenelse-norest
ifthenelse { true } { echo a } { echo b }
## more-emptyenv-o
export ELGETOPT_a 1 export ELGETOPT_a:1 old emptyenv -o /usr/bin/env
## more-emptyenv-multi
emptyenv -pc /usr/bin/env
## more-exec-l
exec -l sh -c "echo $0"
## more-exec-c-a
exec -c -a zz /usr/bin/env
## more-redirfd-n
foreground { redirfd -w 1 rn.txt echo a } redirfd -r -n 0 rn.txt cat
## more-redirfd-nb
foreground { redirfd -w 1 rnb.txt echo a } redirfd -r -nb 0 rnb.txt cat
## more-redirfd-badfd
redirfd -r x file cat
#@ ours-code 100
#@ ours-err redirfd: usage: redirfd -[ r | w | u | a | x ] [ -N | -n ] [ -b ] [ -f ] [ -E | -e ] fd|var file prog...\n
## more-redirfd-dir-write
redirfd -w 1 / echo
## more-fdmove-same
fdmove 1 1 echo same
## more-fdmove-c-same
fdmove -c 1 1 echo same
## more-fdmove-closed
fdmove 1 9 echo x
## more-fdclose-badnum
fdclose x echo
## more-fdswap-closed
fdswap 1 9 echo x
## more-fdreserve-zero
fdreserve 0 echo none
## more-piperw-same
piperw 3 3 echo x
## more-pipeline-r
pipeline -r { echo r } cat
## more-pipeline-fail
pipeline { nonexistent-xyz } cat
## more-pipeline-d
pipeline -d { echo d } cat
## more-heredoc-d
heredoc -d 0 "dd" cat
## more-heredoc-empty
heredoc 0 "" cat
## more-heredoc-badfd
heredoc x "s" cat
## more-getpid-P
getpid -P P importas p P sh -c "test $p = $PPID && echo parent"
## more-getpid-E
getpid -E P sh -c "test $P = $$ && echo own"
## more-getcwd-E
cd /tmp getcwd -E D echo $D
## more-define-N
define -N -s A "a b
" echo [${A}]
## more-define-sn
define -sn A "a b
" echo [${A}]
## more-define-d-crunch
define -s -C -d , A "a,,b,,," echo [${A}]
## more-importas-n-default
export V "x
" importas -n v V echo [${v}]
## more-importas-D-split
importas -s -D "p q" V UNSET_XYZ echo [${V}]
## more-importas-u-twice
export V x importas -u a V importas -D gone b V echo $a $b
## more-multidefine-N
multidefine -N "a b
" { A B } echo [${B}]
## more-multidefine-C
multidefine -C "a   b" { A B } echo [${A}] [${B}]
## more-multisubstitute-elglob
foreground { mkdir -p ms } foreground { touch ms/x } multisubstitute { elglob -s G ms/* define A a } echo $G $A
## more-multisubstitute-multidefine
multisubstitute { multidefine "p q" { X Y } define Z z } echo $X$Y$Z
## more-multisubstitute-bad
multisubstitute { frob A } echo
## more-elglob-e
foreground { mkdir -p ge } foreground { touch ge/a } elglob -e G ge/\\a echo $G
## more-elglob-v
elglob -v G nothing-here-xyz/* echo $G
## more-elglob-deep
foreground { mkdir -p gx/a/b gx/c/b } foreground { touch gx/a/b/f gx/c/b/f } elglob -s G gx/*/b/f echo $G
## more-elglob-dot
foreground { mkdir -p gdot } foreground { touch gdot/.h gdot/v } elglob -s G gdot/* echo $G
## more-elglob-question
foreground { mkdir -p gq } foreground { touch gq/ab gq/ac gq/abc } elglob -s G gq/a? echo $G
## more-elglob-bracket
foreground { mkdir -p gb } foreground { touch gb/a1 gb/a2 gb/a3 } elglob -s G gb/a[12] echo $G
## more-dollarat-0n
#@ args a b
pipeline { dollarat -0 -n } od -c
## more-dollarat-d-bad
#@ args a
dollarat -d ab
## more-shift-b2
#@ args " a" "" " b" "" c
shift -b 2 importas -i n # importas -i one 1 echo $n $one
## more-shift-n0
#@ args a
shift -n 0 importas -i n # echo $n
## more-elgetopt-D
#@ args -a -b
elgetopt -D yes ab importas a ELGETOPT_a echo $a
## more-elgetopt-bad
#@ args -z
elgetopt ab echo
## more-elgetopt-missing-arg
#@ args -a
elgetopt a: echo
## more-elgetopt-stop
#@ args x -a
elgetopt a importas -i n # echo $n
## more-tryexec-n
tryexec -n { nonexistent-xyz } echo fallback
## more-tryexec-a
tryexec -a zz { sh -c "echo $0" } echo fallback
## more-tryexec-l
tryexec -l { sh -c "echo $0" } echo fallback
## more-tryexec-la
tryexec -l -a zz { sh -c "echo $0" } echo fallback
## more-envfile
foreground { redirfd -w 1 ef.txt echo "# comment
A = 1
 B=two words
C=" } envfile ef.txt /usr/bin/env
## more-envfile-missing
envfile nonexistent-file echo
## more-envfile-missing-I
envfile -I nonexistent-file echo ok
## more-envfile-bad
foreground { redirfd -w 1 eb.txt echo "novalue" } envfile eb.txt echo
## more-wait-o
background { sleep 0.05 } importas -i p ! wait -o { $p } importas q ! eltest $p = $q
## more-wait-usage-badpid
wait { abc } echo
## more-backtick-x
backtick -x V { false } importas -D unset v V echo $v
## more-backtick-crash
backtick V { sh -c "kill -TERM $$" } echo never
## more-backtick-spawnfail
backtick V { nonexistent-xyz } echo never
## more-eltest-nt
foreground { touch -d 2000-01-01 old.f } foreground { touch new.f } eltest new.f -nt old.f -a old.f -ot new.f
## more-eltest-nt-missing
foreground { touch e.f } eltest e.f -nt missing-xyz
## more-eltest-paren-nested
eltest ( ( a = a ) -a ! ( b = c ) )
## more-eltest-v
export VV 1 eltest -v VV -a ! -v NOPE_XYZ
## more-eltest-big-int
eltest 99999999999999999999 -gt 1
## more-eltest-plus
eltest +3 -eq 3
## more-eltest-not-not
eltest ! ! a
## more-eltest-minus-a-first
eltest -a
## more-eltest-L
foreground { ln -sf nowhere dl } eltest -L dl -a ! -e dl
## more-eltest-p
eltest -p /dev/null -o -c /dev/null
## more-eltest-k
eltest -k /tmp
## more-eltest-O
eltest -O /etc/passwd
## more-shift-b-only
foreground { execlineb -c "shift -b 1 importas -i n # importas -i a 1 echo $n $a" " x" " y" "" rest } echo
## more-shift-n-b
foreground { execlineb -c "shift -n 1 -b 1 importas -i n # importas -i a 1 echo $n $a" skip " x" "" rest } echo
## v299-emptyenv-c-keeps
#@ opts -P
#@ ours-code 0
#@ ours-out HOME=/root\nLC_ALL=C\nPATH=BIN:/usr/bin:/bin\n0:1=a\n#:1=b\nFDX=c\nEXECLINE_X=d\n
export 0:1 a export \#:1 b export FDX c export EXECLINE_X d export FD3 e export 12 f export ELGETOPT_q g emptyenv -c /usr/bin/env
## more-wait-t-timeout
background { sleep 2 } importas -i p ! wait -t 50 { $p } echo timed-out
## more-wait-t-i
background { sleep 2 } importas -i p ! wait -i -t 50 { $p } echo never
## more-wait-t-done
background { true } importas -i p ! wait -t 5000 { $p } echo done
## more-wait-r
background { sleep 2 } importas -i p ! wait -r { $p } echo reaped-nothing
## more-redirfd-fifo-trick
foreground { mkfifo ff } redirfd -w -nb 1 ff echo x
## more-redirfd-fifo-reader
foreground { mkfifo f2 } background { redirfd -r 0 f2 cat } redirfd -w 1 f2 echo via-fifo
## real-run-script-shape
#@ opts -P
fdmove -c 2 1 cd / umask 022 export HOME /root emptyenv -p /usr/bin/env
## real-log-run-shape
#@ opts -P
foreground { mkdir -p logdir } redirfd -w 1 /dev/null fdmove -c 2 1 echo swallowed
## real-s6-finish-S1
#@ opts -S1
#@ args 256
if { eltest ${1} -ne 0 } if { eltest ${1} -ne 256 } echo stop
## real-s6-finish-S1-crash
#@ opts -S1
#@ args 3
if { eltest ${1} -ne 0 } if { eltest ${1} -ne 256 } echo stop
## real-with-contenv-shape
#@ opts -S0
#@ args /usr/bin/printenv HOME
emptyenv -p export HOME /h exec $@
## trap-usage
trap
## trap-bad-option
trap -y { term { echo } } echo x
## trap-no-prog
trap { term { echo a } }
## trap-empty-block
trap { } echo x
## trap-unterminated
trap { term { echo a }
## trap-unrecognized
trap { nosuchsig { echo a } } echo x
## trap-unterminated-internal
trap { term } echo x
## trap-duplicate
trap { term { echo a } SIGTERM { echo b } } echo x
## trap-duplicate-number
trap { 15 { echo a } term { echo b } } echo x
## trap-prog-code
trap { term { echo a } } sh -c "exit 5"
## trap-prog-code-high
trap { term { echo a } } sh -c "exit 200"
## trap-prog-crash
trap { usr1 { echo a } } sh -c "kill -TERM $$"
## trap-prog-no-such
trap { term { echo a } } /nonexistent/prog
## trap-handler-signal-env
trap { usr1 { foreground { importas S SIGNAL importas -i P ! echo handler $S } touch done } } sh -c "kill -USR1 $PPID; while [ ! -e done ]; do sleep 0.01; done; echo prog; exit 3"
## trap-names-any-case
trap { SigUsr2 { foreground { echo usr2 } touch done } } sh -c "kill -USR2 $PPID; while [ ! -e done ]; do sleep 0.01; done"
## trap-number
trap { 10 { foreground { echo ten } touch done } } sh -c "kill -USR1 $PPID; while [ ! -e done ]; do sleep 0.01; done"
## trap-default-catches-all
trap { default { importas S SIGNAL foreground { echo default $S } touch d$S } } sh -c "kill -USR2 $PPID; while [ ! -e d12 ]; do sleep 0.01; done; kill -HUP $PPID; while [ ! -e d1 ]; do sleep 0.01; done"
## trap-default-one-handler-per-signal
trap { default { importas S SIGNAL foreground { touch d$S } sleep 0.5 } } sh -c "kill -USR2 $PPID; while [ ! -e d12 ]; do sleep 0.01; done; kill -HUP $PPID; while [ ! -e d1 ]; do sleep 0.01; done; echo both"
## trap-x-default-and-listed
trap -x { default { foreground { importas S SIGNAL echo default $S } touch d } usr1 { foreground { echo one } touch o } } sh -c "kill -USR2 $PPID; while [ ! -e d ]; do sleep 0.01; done; kill -USR1 $PPID; while [ ! -e o ]; do sleep 0.01; done"
## trap-x-forwards
trap -x { usr1 { echo one } } sh -c "trap 'echo got-usr2; exit 4' USR2; kill -USR2 $PPID; while :; do sleep 0.01; done"
## trap-untrapped-kills-trap
foreground { trap { usr1 { echo one } } sh -c "kill -USR2 $PPID; sleep 1" } importas r ? echo $r
## trap-no-bang-for-prog
trap { term { echo a } } importas -D unset p ! echo $p
## runblock-usage
runblock
## runblock-zero
runblock 0
## runblock-bad-n
runblock x
## runblock-bad-option
runblock -z 1
## runblock-r-zero
runblock -r 0 echo nothing
## runblock-first
execlineb -c "runblock 1 echo x" { a b } { c d } e f
## runblock-second
execlineb -c "runblock 2 echo x" { a b } { c d } e f
## runblock-rest
execlineb -c "runblock -r 2 echo x" { a b } { c d } e f
## runblock-rest-empty
execlineb -c "runblock -r 2 echo x" { a b } { c d }
## runblock-too-few
execlineb -c "runblock 3 echo" { a b } { c d }
## runblock-r-too-few
execlineb -c "runblock -r 3" { a b } { c d }
## runblock-argshift
execlineb -c "runblock -n 1 1 echo" z { a b } { c d }
## runblock-pops
export 1 old execlineb -c "runblock 1 importas -D unset one 1 echo $one" { a b }
## runblock-pops-unset
execlineb -c "runblock 1 importas -D unset one 1 echo $one" { a b }
## runblock-P-no-pop
execlineb -c "runblock -P 1 importas -D unset one 1 echo $one" { a b }
## runblock-sharp-unset
emptyenv runblock 1 echo
## runblock-sharp-invalid
export "#" x runblock 1 echo
## runblock-arg-unset
export "#" 2 runblock 1 echo
## runblock-strict-2
execlineb -Wc "runblock 1 echo" a ""
## runblock-strict-1
execlineb -wc "runblock 2 echo" a "" b ""
## runblock-r-unquoted
execlineb -c "runblock -r 1 echo" a "" b c
## runblock-nested-blocks
execlineb -c "runblock 1" { if { eltest 1 = 1 } echo nested }
## forx-P-sequential-codes
forx -P 1 -x 3 x { 1 3 2 } importas x x foreground { echo $x } exit $x
#@ ours-code 3
#@ ours-out 1\n3\n
#@ ours-err 
## forx-P-zero-is-one
forx -P 0 -x 3 x { 1 3 2 } importas x x foreground { echo $x } exit $x
#@ ours-code 3
#@ ours-out 1\n3\n
#@ ours-err 
## forx-P-parallel-ignores-codes
forx -P 2 -x 3 x { 1 3 2 } importas x x exit $x
#@ ours-code 0
#@ ours-out 
#@ ours-err 
## forx-P-bad
forx -P x x { 1 } echo
#@ ours-code 100
#@ ours-err forx: usage: forx [ -E | -e ] [ -p | -P maxpar ] [ -o okcode,okcode,... | -x breakcode,breakcode,... ] var { values... } command...\n
## forstdin-P-bad
#@ stdin a\n
forstdin -P z x echo
#@ ours-code 100
#@ ours-err forstdin: usage: forstdin [ -E | -e ] [ -p | -P maxpar | -o okcode,okcode,... | -x breakcode,breakcode,... ] [ -N | -n ] [ -C | -c ] [ -0 | -d delim ] var command...\n
## forstdin-P
#@ stdin 1\n2\n3\n
forstdin -P 2 x importas x x touch f$x
#@ ours-code 0
#@ ours-out 
#@ ours-err 
## redirfd-f
#@ stdin in\n
foreground { redirfd -w 1 rf echo hello } redirfd -r -f F rf importas F F sh -c "echo fd=$F; cat <&$F"
#@ ours-code 0
#@ ours-out fd=3\nhello\n
#@ ours-err 
## redirfd-f-E
foreground { redirfd -w 1 rf echo hello } redirfd -rfE F rf sh -c "echo fd=${F}; cat <&${F}; env | grep -c ^F=; true"
#@ ours-code 0
#@ ours-out fd=3\nhello\n0\n
#@ ours-err 
## redirfd-N-blocking
redirfd -w -nN 3 rf2 sh -c "grep ^flags /proc/self/fdinfo/3"
#@ ours-code 0
#@ ours-out flags:\t0100001\n
#@ ours-err 
## case-usage
case
## case-usage-one
case abc
## case-bad-option
case -z a { } echo n
## case-empty-block-default
case abc { } echo default
## case-malformed
case abc { "a" }
## case-unterminated-regex-block
execlineb -c "case abc  a  echo " "" x
## case-no-default
case abc { b { echo b } }
## case-first-match
case abc { a { echo a } "a.c" { echo dot } "abc" { echo exact } } echo default
## case-anchored
case abc { b { echo b } bc { echo bc } } echo default
## case-alternation-binds-to-anchors
case abc { "a|x" { echo y } } echo n
## case-alternation-last
case abc { "x|abc" { echo y } } echo n
## case-groups-repeat
case abab { "(ab)+" { echo y } } echo n
## case-bracket-class
case a1 { "[[:alpha:]][[:digit:]]" { echo y } } echo n
## case-interval
case aaa { "a{2,3}" { echo y } } echo n
## case-interval-too-many
case aaaa { "a{2,3}" { echo y } } echo n
## case-dot-star
case "hello world" { "h.*d" { echo y } } echo n
## case-empty-value
case "" { "" { echo empty } } echo n
## case-icase
case -i ABC { "a[b]c" { echo y } } echo n
## case-icase-range
case -i abc { "[A-C]+" { echo y } } echo n
## case-icase-upper-class
case -i abc { "[[:upper:]]+" { echo y } } echo n
## case-icase-negated
case -i A { "[^a]" { echo y } } echo n
## case-no-icase
case ABC { "abc" { echo y } } echo n
## case-basic
case -e abc { "a\\(b\\)c" { echo y } } echo n
## case-basic-literal-plus
case -e "a+" { "a+" { echo y } } echo n
## case-basic-literal-paren
case -e "(a)" { "(a)" { echo y } } echo n
## case-basic-star-first
case -e "*a" { "*a" { echo y } } echo n
## case-basic-interval
case -e aa { "a\\{2\\}" { echo y } } echo n
## case-extended-again
case -e -E "a+" { "a+" { echo y } } echo n
## case-shell
case -s abc { "a*" { echo y } } echo n
## case-shell-slash
case -s a/c { "a*c" { echo y } } echo n
## case-shell-class
case -s b { "[abc]" { echo y } } echo n
## case-shell-no-match
case -s abc { "b*" { echo y } } echo n
## case-shell-e-noescape
case -s -e "a\\b" { "a\\b" { echo y } } echo n
## case-shell-backslash-escapes
case -s "ab" { "a\\b" { echo y } } echo n
## case-shell-e-backslash-literal
case -s -e "ab" { "a\\b" { echo y } } echo n
## case-shell-i-period
case -s -i .x { "*" { echo y } } echo n
## case-shell-i-period-explicit
case -s -i .x { ".*" { echo y } } echo n
## case-shell-no-i-period
case -s .x { "?x" { echo y } } echo n
## case-shell-N-pathname-star
case -s -N a/c { "a*c" { echo y } } echo n
## case-shell-N-pathname-class
case -s -N a/c { "a[/]c" { echo y } } echo n
## case-shell-N-pathname-slash
case -s -N ab/cd { "*/*" { echo y } } echo n
## case-shell-iN-period-after-slash
case -s -i -N a/.x { "a/*" { echo y } } echo n
## case-shell-then-regex
case -s -S abc { "a.c" { echo y } } echo n
## case-N-no-groups
case -N abc { "abc" { importas -D u x 0 importas -D u y "#" echo $x $y } } echo n
## case-n-sets-nothing
case abc { "abc" { importas -D u x 0 importas -D u y "#" echo $x $y } } echo n
## case-rest-after-block
case abc { "abc" { echo matched } } echo default
## case-nested-block
case abc { "abc" { if { eltest 1 = 1 } echo nested } } echo n
## eltest-regex-match
eltest abc =~ b
## eltest-regex-nomatch
eltest abc =~ "^b"
## eltest-regex-anchored
eltest abc =~ "^a.c$"
## eltest-regex-alternation
eltest abc =~ "x|c$"
## eltest-regex-class
eltest a1b =~ "[[:digit:]]"
## eltest-regex-missing-operand
eltest x =~
## eltest-regex-in-expression
eltest abc =~ b -a ! xyz =~ b
## eltest-regex-operator-word
eltest =~ =~ =~
## case-bad-regex
case abc { "a(" { echo y } } echo n
#@ ours-code 100
#@ ours-err case: fatal: unable to regcomp "^a($": Unmatched ( or \(\n
## case-N-groups
case -N foooobarbaz { "([fo]+)bar(baz)" { elgetpositionals echo $# $0 $1 $2 } } echo n
## case-N-one-group
case -N abc { "a(b)c" { elgetpositionals echo [$#] [$0] [$1] } } echo n
## case-N-alternation-unset-groups
case -N ab { "(a)|(x)b|(a)(b)" { elgetpositionals echo $# [$1] [$2] [$3] [$4] } } echo n
## case-N-first-path-not-longest-group
case -N abcd { "(a|ab)(c|bcd)(d*)" { elgetpositionals echo [$1] [$2] [$3] } } echo n
## case-N-loop-keeps-last-iteration
case -N ab { "((a)|b)*" { elgetpositionals echo [$1] [$2] } } echo n
## case-N-loop-last-value
case -N abcabd { "(ab[cd])+" { elgetpositionals echo [$1] } } echo n
## case-N-optional-unset
case -N b { "(a)?b" { elgetpositionals echo $# [$1] } } echo n
## case-N-empty-group
case -N ab { "a()b" { elgetpositionals echo $# [$1] } } echo n
## case-N-nested
case -N abc { "((a)(b))c" { elgetpositionals echo [$1] [$2] [$3] } } echo n
## case-N-greedy-star
case -N a-b-c { "(.*)-(.*)" { elgetpositionals echo [$1] [$2] } } echo n
## case-N-version
case -N v12.3 { "v([0-9]+)\\.([0-9]+)" { elgetpositionals echo $1 $2 } } echo n
## case-N-bounds
case -N aaaa { "(a){2,3}(a*)" { elgetpositionals echo [$1] [$2] } } echo n
## case-N-icase-original-text
case -i -N ABc { "(a)(b)C" { elgetpositionals echo [$1] [$2] } } echo n
## case-N-basic
case -e -N aab { "\\(a*\\)\\(b\\)" { elgetpositionals echo [$1] [$2] } } echo n
## case-N-unanchored-alternation
case -N xab { "a|(a)b" { elgetpositionals echo $# [$1] } } echo n
## case-N-twelve-groups
case -N abcdefghijkl { "(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)(l)" { elgetpositionals -P 12 echo $# $1 ${10} ${12} } } echo n
## case-N-second-regex
case -N xy { "(a)" { echo no } "(x)(y)" { elgetpositionals echo $# $1 $2 } } echo n
## case-N-default-unmodified
export 1 old case -N xy { "(a)" { echo no } } importas -D unset one 1 importas -D unset count "#" echo $one $count
## case-N-shell-no-positionals
case -s -N abc { "a*" { importas -D unset x 0 echo $x } } echo n
## eltest-regex-bad
eltest abc =~ "a("
#@ ours-code 100
#@ ours-err eltest: fatal: unable to compile a( into a regular expression: Unmatched ( or \(\n
## case-newline-dot
case "a
b" { "a.b" { echo y } } echo n
#@ ours-code 0
#@ ours-out y\n
## case-newline-negated-bracket
case "a
b" { "a[^x]b" { echo y } } echo n
#@ ours-code 0
#@ ours-out y\n
## case-basic-literal-dollar
case -e "a$b" { "a$b" { echo y } } echo n
## case-basic-literal-caret
case -e "a^b" { "a^b" { echo y } } echo n
## case-basic-anchor-in-group
case -e "ab" { "\\(^a\\)b" { echo y } } echo n
## case-icase-bracket-first
case -i "a]" { "[]A]+" { echo y } } echo n
## case-icase-negated-range
case -i x { "[^A-Z]" { echo y } } echo n
## case-basic-alternation-gnu
case -e ab { "a\\|x" { echo y } } echo n
## eltest-regex-newline-dot
eltest "a
b" =~ "a.b"
## eltest-regex-newline-negated
eltest "a
b" =~ "a[^x]b"
## eltest-regex-bracket-close-first
eltest "a]" =~ "[^]x]"
## eltest-regex-empty
eltest abc =~ ""
## blk-empty-background
background { } echo hi
## blk-empty-backtick
backtick V { } echo hi
## blk-empty-forbacktickx
forbacktickx X { } echo hi
## blk-empty-tryexec
tryexec { } echo hi
## blk-empty-if
if { } echo hi
## ctl-if-x-range
if -x 300 { false } echo y
## ctl-if-x-leading-digits
if -x 3x { false } echo y
## ctl-if-x-then-t-last-wins
if -x 3 -t { false } echo y
## ctl-if-t-then-x-last-wins
if -t -x 4 { false } echo y
## ctl-if-x-not-a-number
if -x x -t { false } echo y
## ctl-ifte-empty-command-if
ifte { echo t } { echo e }
## ctl-ifte-else-required
ifte { echo t }
## ctl-ifte-block-as-command-if
ifte { echo t } { echo e } { true }
#@ ours-code 111
#@ ours-err ifte: fatal: unable to spawn  true: name begins with a space, are you trying to spawn a block as your command-if?\n
## sub-multisubstitute-bad-option
multisubstitute { define -z A b } echo x
## sub-multisubstitute-missing-value
multisubstitute { define A } echo x
## sub-multisubstitute-empty-key
multisubstitute { define "" b } echo x
## sub-multisubstitute-elglob-missing-pattern
multisubstitute { elglob A } echo x
## sub-multisubstitute-elglob-empty-key
multisubstitute { elglob "" x } echo x
## sub-multisubstitute-elgetpositionals-bad-number
multisubstitute { elgetpositionals -P x } echo x
## sub-multisubstitute-multidefine-no-block
multisubstitute { multidefine a } echo x
## tryexec-n-remainder-first
tryexec -n { echo a } echo b
## tryexec-n-block-when-remainder-fails
tryexec -n { echo blk } /nonexistent
## tryexec-n-empty-remainder
tryexec -n { echo a }
## tryexec-n-options-apply-to-remainder
#@ env A=1
tryexec -n -c { echo blk } /usr/bin/env
## tryexec-n-argv0-to-remainder
tryexec -n -a zz { echo blk } sh -c "echo \\$0"
## codes-list-blank-separated
forx -x "1 2" x { a b } foreground { echo $x } sh -c "exit 2"
## codes-list-colon-and-junk
loopwhilex -x "2:3x" sh -c "exit 3"
## codes-list-bad-start
loopwhilex -o abc false
## codes-list-last-option-wins
#@ stdin a\nb\n
forstdin -x 0 -o 0 x echo $x
## pipeline-empty-remainder
pipeline { echo a }
## fdclose-needs-a-program
fdclose 0
## fdmove-needs-a-program
fdmove 1 2
## fdblock-needs-a-program
fdblock 0
## piperw-needs-a-program
piperw 5 6
## fd-commands-take-no-dashdash
foreground { fdclose -- 5 true }
foreground { fdswap -- 1 2 true }
foreground { piperw -- 5 6 true }
fdreserve --
## fdreserve-more-than-the-limit
fdreserve 2000000000 true
## getpid-needs-a-program
getpid p
## getcwd-bad-name
foreground { getcwd "" true }
getcwd a=b true
## multisubstitute-needs-a-program
multisubstitute { define a 1 }
## trap-untrappable
foreground { trap { SIGKILL { echo x } } true }
foreground { trap { STOP { echo x } } true }
trap { 17 { echo x } } true
## dollarat-hash-unset
emptyenv dollarat
## dollarat-hash-invalid
export "#" x dollarat
## dollarat-netstrings
#@ args a "" bc
dollarat -d ""
## shift-needs-a-program
shift
## shift-hash-unset
emptyenv shift true
## elgetopt-illegal-option
export "#" 2 export 1 -a export 2 -q export 0 z elgetopt a true
## elgetopt-missing-argument
export "#" 1 export 1 -b export 0 z elgetopt ab: true
## elgetopt-zero-unset
export "#" 1 export 1 -a unexport 0 elgetopt a true
## exec-empty-name
{ }
## exit-code-past-uint
foreground { exit 99999999999 }
foreground { exit 4294967296 }
exit 4294967295
## elglob-w-aborts-on-an-unreadable-dir
elglob -w x /nonexistent/* echo $x
## elglob-w-no-match
elglob -w x /*.no-such-suffix echo $x
## forbacktickx-unexports-bang
background { true } forbacktickx x { echo a } importas -D unset y ! echo $y
## forx-invalid-variable-name
foreground { forx "" { a } true }
forx a=b { a } true
## forbacktickx-invalid-variable-name
forbacktickx a=b { echo a } true
## eltest-t-needs-a-number
eltest -t x
## eltest-lazy-or-and
foreground { eltest 0 -lt 1 -o x -lt 1 }
importas r ? foreground { echo $r }
foreground { eltest 1 -lt 0 -a x -lt 1 }
importas r ? foreground { echo $r }
eltest 1 -lt 0 -o x -lt 1
## multidefine-empty-block
multidefine "a" { } echo hi
## multidefine-duplicate-key
multidefine "a b" { x x } echo $x
## multisubstitute-duplicate-key
multisubstitute { define a 1 importas a HOME } echo $a
## posix-cd-logical
if { mkdir -p a/b c/z } if { ln -s a/b l }
posix-cd l/../c importas -i P PWD foreground { echo $P } ls
## posix-cd-physical
if { mkdir -p a/b/x c } if { ln -s a/b l }
posix-cd -L -P l/.. ls
## posix-cd-last-option-wins
if { mkdir -p a/b c } if { ln -s a/b l }
posix-cd -P -L l/./../c// importas -i P PWD echo $P
## posix-cd-cdpath
if { mkdir -p a/b c/b }
export CDPATH "x:a:c"
posix-cd b importas -i P PWD echo $P
## posix-cd-cdpath-dot-and-empty
if { mkdir -p a/b b }
export CDPATH ":a"
foreground { posix-cd b importas -i P PWD echo $P }
export CDPATH "."
foreground { posix-cd b importas -i P PWD echo $P }
posix-cd ./b importas -i P PWD echo $P
#@ ours-code 0
#@ ours-out b\nb\nb\nb\n
## posix-cd-cdpath-trailing-colon
if { mkdir -p a b }
export CDPATH "a:"
posix-cd b importas -i P PWD echo $P
#@ ours-code 0
#@ ours-out b\n
#@ ours-err 
## posix-cd-dash
if { mkdir -p a/b }
export OLDPWD a/b/..
posix-cd - importas -i P PWD echo $P
## posix-cd-pwd-prefix
if { mkdir -p a/b }
export PWD ..
posix-cd a importas -i P PWD echo $P
## posix-cd-home-no-prog
if { mkdir a }
export HOME a
foreground { posix-cd }
importas r ? echo $r
## posix-cd-usage
foreground { posix-cd -x a true }
importas r ? foreground { echo $r }
foreground { posix-cd "" true }
importas r ? foreground { echo $r }
export OLDPWD ""
posix-cd - true
## posix-cd-canonicalize-errors
if { touch f }
foreground { posix-cd nonex/../x true }
foreground { posix-cd f/./../x true }
posix-cd f true
## posix-umask-print
foreground { posix-umask 027 posix-umask }
foreground { posix-umask 0 posix-umask -S }
foreground { posix-umask -S 0123 posix-umask -S }
posix-umask 37777777777 posix-umask
## posix-umask-symbolic
foreground { posix-umask 022 posix-umask g-w,o-rwx posix-umask }
foreground { posix-umask 022 posix-umask a+x,u=g posix-umask }
foreground { posix-umask 022 posix-umask u=rw,,g=r posix-umask }
foreground { posix-umask 022 posix-umask o=u posix-umask }
foreground { posix-umask 022 posix-umask u=X posix-umask }
foreground { posix-umask 022 posix-umask ug=rw+x-w posix-umask }
foreground { posix-umask 022 posix-umask "" posix-umask }
posix-umask 022 posix-umask u posix-umask -S
## posix-umask-equals-nothing
foreground { posix-umask 022 posix-umask u=rwx,g=rx,o= posix-umask }
posix-umask 022 posix-umask a=,u+r posix-umask
#@ ours-code 0
#@ ours-out 0027\n0377\n
## posix-umask-invalid
foreground { posix-umask r true }
importas r ? foreground { echo $r }
foreground { posix-umask "u,g=r" true }
foreground { posix-umask 08 true }
foreground { posix-umask 77777777777 true }
posix-umask -x
