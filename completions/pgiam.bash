# bash completion for pgiam: commands, their options, and profile names from the
# profile directory (--profiles DIR on the line, $PGIAM_PROFILES,
# $XDG_CONFIG_HOME/pgiam/profiles, ~/.config/pgiam/profiles: as pgiam looks).
# tests/integration/install_docs.py runs it through bash.

_pgiam_profile_dir()
{
	local i
	for ((i = 1; i < ${#COMP_WORDS[@]} - 1; i++)); do
		if [[ ${COMP_WORDS[i]} == --profiles ]]; then
			printf '%s\n' "${COMP_WORDS[i + 1]/#\~/$HOME}"
			return
		fi
	done
	if [[ -n ${PGIAM_PROFILES-} ]]; then
		printf '%s\n' "$PGIAM_PROFILES"
	elif [[ ${XDG_CONFIG_HOME-} == /* ]]; then
		printf '%s\n' "$XDG_CONFIG_HOME/pgiam/profiles"
	else
		printf '%s\n' "$HOME/.config/pgiam/profiles"
	fi
}

_pgiam_profiles()
{
	local dir f name
	dir=$(_pgiam_profile_dir)
	for f in "$dir"/*.ini; do
		[[ -f $f ]] || continue
		name=${f##*/}
		name=${name%.ini}
		[[ $name == .* ]] && continue
		printf '%s\n' "$name"
	done
}

_pgiam()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local commands="token profiles whoami policy check psql sql browse logout grants"
	local conn="--profile --profiles --read-only --no-read-only --mfa-code --host --port --dbname
		--user --region --connect-host --connect-port --sslmode --sslrootcert
		--connect-timeout --creds-env --password-env --sign-host --sign-port --sign-user
		--sign-region --sign-time-offset --help"
	local cmd="" i opts

	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		--profiles | --profile) ((i++)) ;;
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done
	case $prev in
	--profile)
		mapfile -t COMPREPLY < <(compgen -W "$(_pgiam_profiles)" -- "$cur")
		return ;;
	--profiles)
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		return ;;
	--sslmode)
		mapfile -t COMPREPLY < <(compgen -W "verify-full verify-ca require" -- "$cur")
		return ;;
	--page)
		mapfile -t COMPREPLY < <(compgen -W "first next prev last" -- "$cur")
		return ;;
	--format)
		mapfile -t COMPREPLY < <(compgen -W "csv tsv json jsonl" -- "$cur")
		return ;;
	--output)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return ;;
	--sslrootcert)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return ;;
	esac
	case $cmd in
	"") if [[ $cur == -* ]]; then
		opts="--profiles --profile --help-keys --help --version"
	    else
		opts=$commands
	    fi ;;
	token) opts="--hostname --port --username --region --profile --profiles --describe --mfa-code --help" ;;
	profiles) opts="--profiles --help" ;;
	whoami) opts="--profile --profiles --json --mfa-code --help" ;;
	policy) opts="--profile --profiles --json --snowflake --offline --help" ;;
	check) opts="--all --json $conn" ;;
	psql) opts="-- $conn" ;;
	sql) opts="-c --command --output --format --no-header --explain --analyze --json $conn" ;;
	browse) opts="--schema --table --columns --structure --referenced-by --page --key --key-null --offset --limit --order --where --search $conn" ;;
	logout) opts="--profile --profiles --help" ;;
	grants) opts="--schema --probe --json $conn" ;;
	*) return ;;
	esac
	mapfile -t COMPREPLY < <(compgen -W "$opts" -- "$cur")
}

complete -F _pgiam pgiam
