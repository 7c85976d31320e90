// `ferry-manager completion bash`: prints a bash completion script generated from the command
// tree itself, so it can never miss a command or option. scripts/completion/ferry-manager.bash
// (what docs/cli.md says to install) sources this output from the installed binary, so no
// generated copy is checked in to go stale.
//
// The script finds the command path among the words typed so far (`remote update`), then
// offers that command's subcommands, or its options when the current word starts with '-'.
// After an option that takes a fixed set of values it offers those values. Where a config id
// goes — a positional such as the ID of `sync-job update ID` or the NAME of `remote show NAME`,
// or the value of --remote, --store, --owner, --auth-id, --userid — it offers the ids the
// config directory holds, read by the hidden `ferry-manager completion ids KIND` (KIND: remote,
// datastore, sync-job, verify-job, user; the --config-dir typed on the line is passed on), as
// PBS's completion callbacks (complete_remote_name, complete_datastore_name, ...) do.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "auth/user_config.h"
#include "cli/internal/command.h"
#include "config/config_file.h"
#include "config/datastore_config.h"
#include "config/remote_config.h"
#include "config/sync_job_config.h"
#include "config/verification_job_config.h"

namespace ferry::cli::internal {
namespace {

// Values offered after an option (by its long name).
const std::map<std::string, std::string>& value_words() {
  static const std::map<std::string, std::string> words = {
      {"output-format", "text json json-pretty"},
      {"sync-direction", "pull push all"},
      {"notification-mode", "legacy-sendmail notification-system"},
      {"remove-vanished", "true false"},
      {"resync-corrupt", "true false"},
      {"encrypted-only", "true false"},
      {"verified-only", "true false"},
      {"run-on-mount", "true false"},
      {"unmount-on-done", "true false"},
      {"verify-new", "true false"},
      {"keep-job-configs", "true false"},
      {"enable", "true false"},
      {"propagate", "true false"},
      {"exact", "true false"},
      {"delete",
       "comment fingerprint port remote owner schedule remove-vanished group-filter "
       "rate-in burst-in rate-out burst-out ns remote-ns max-depth transfer-last "
       "sync-direction gc-schedule prune-schedule tuning maintenance-mode"},
  };
  return words;
}

// Options whose value is a config id, and the id kind.
const std::map<std::string, std::string>& id_options() {
  static const std::map<std::string, std::string> options = {{"remote", "remote"},
                                                             {"store", "datastore"},
                                                             {"owner", "user"},
                                                             {"auth-id", "user"},
                                                             {"userid", "user"}};
  return options;
}

// Command groups whose first positional (not on `create`) names one of their config objects.
const std::map<std::string, std::string>& id_groups() {
  static const std::map<std::string, std::string> groups = {{"remote", "remote"},
                                                            {"datastore", "datastore"},
                                                            {"sync-job", "sync-job"},
                                                            {"verify-job", "verify-job"}};
  return groups;
}

// The id kind of each positional of the command at `path` ("-": none), space-separated.
std::string positional_kinds(const CLI::App& cmd, const std::string& path) {
  if (path == "pull") return "remote - datastore";  // [REMOTE] REMOTE-STORE LOCAL-STORE
  const std::string group = path.substr(0, path.find(' '));
  std::vector<std::string> kinds;
  for (const CLI::Option* opt : cmd.get_options()) {
    if (!opt->get_positional()) continue;
    const std::string name = opt->get_name(true);
    std::string kind = "-";
    if (name == "userid" || name == "auth-id") kind = "user";
    if (name == "store") kind = "datastore";
    auto g = id_groups().find(group);
    if ((name == "id" || name == "name") && kinds.empty() && g != id_groups().end() &&
        cmd.get_name() != "create") {
      kind = g->second;
    }
    kinds.push_back(kind);
  }
  std::string out;
  for (const auto& k : kinds) out += (out.empty() ? "" : " ") + k;
  return out;
}

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

std::vector<std::string> option_words(const CLI::App& cmd, bool flags_only = false) {
  std::vector<std::string> words;
  for (const CLI::Option* opt : cmd.get_options()) {
    if (!opt->nonpositional()) continue;
    if (flags_only && opt->get_expected_min() != 0) continue;
    for (const auto& name : opt->get_lnames()) words.push_back("--" + name);
  }
  return words;
}

// One `case` arm per command path:
// "<path>) subs='...'; opts='...'; flags='...'; pos='...' ;;" (flags: options without a
// value; pos: positional_kinds).
void add_arms(const CLI::App& cmd, const std::string& path, const std::string& global_opts,
              std::string& arms, std::string& sub_arms) {
  std::vector<std::string> subs;
  for (const CLI::App* sub : cmd.get_subcommands({})) {
    if (!sub->get_group().empty()) subs.push_back(sub->get_name());
  }
  std::string opts = join(option_words(cmd));
  if (!path.empty()) opts += " " + global_opts;
  arms += fmt::format("    '{}') subs='{}'; opts='{}'; flags='{}'; pos='{}' ;;\n", path, join(subs),
                      opts, join(option_words(cmd, true)), positional_kinds(cmd, path));
  if (!subs.empty()) sub_arms += fmt::format("      '{}') subs='{}' ;;\n", path, join(subs));
  for (const CLI::App* sub : cmd.get_subcommands({})) {
    add_arms(*sub, path.empty() ? sub->get_name() : path + " " + sub->get_name(), global_opts, arms,
             sub_arms);
  }
}

std::string value_arms() {
  std::string arms = "    --config-dir) COMPREPLY=($(compgen -d -- \"$cur\")); return ;;\n";
  for (const auto& [name, words] : value_words()) {
    arms += fmt::format("    --{}) COMPREPLY=($(compgen -W '{}' -- \"$cur\")); return ;;\n", name,
                        words);
  }
  for (const auto& [name, kind] : id_options()) {
    arms += fmt::format(
        "    --{}) COMPREPLY=($(compgen -W \"$(_ferry_manager_ids {})\" -- \"$cur\")); return ;;\n",
        name, kind);
  }
  return arms;
}

// The config ids of `kind` (hidden `completion ids KIND`), with the --config-dir of the line.
constexpr const char* kIdsFunction =
    "_ferry_manager_ids() {\n"
    "  local dir=() i\n"
    "  for ((i = 1; i < ${#COMP_WORDS[@]}; i++)); do\n"
    "    case ${COMP_WORDS[i]} in\n"
    "      --config-dir)\n"
    "        [[ ${COMP_WORDS[i+1]} == = ]] && ((i++))  # --config-dir=DIR split at '='\n"
    "        dir=(--config-dir \"${COMP_WORDS[i+1]}\") ;;\n"
    "      --config-dir=*) dir=(\"${COMP_WORDS[i]}\") ;;\n"
    "    esac\n"
    "  done\n"
    "  \"${COMP_WORDS[0]}\" completion ids \"$1\" \"${dir[@]}\" 2>/dev/null\n"
    "}\n";

// After the command path: which positional the current word is (option values skipped), and
// its id kind from `pos`.
constexpr const char* kPositionalPart =
    "  local npos=0 skip=0 kinds\n"
    "  for ((i = pend + 1; i < COMP_CWORD; i++)); do\n"
    "    w=${COMP_WORDS[i]}\n"
    "    if ((skip)); then [[ $w == = ]] || skip=0; continue; fi\n"
    "    if [[ $w == -* ]]; then\n"
    "      [[ $w != *=* && \" $flags \" != *\" $w \"* ]] && skip=1\n"
    "      continue\n"
    "    fi\n"
    "    ((npos++))\n"
    "  done\n"
    "  kinds=($pos)\n"
    "  if [[ $cur != -* && -z $subs && -n ${kinds[npos]} && ${kinds[npos]} != - ]]; then\n"
    "    COMPREPLY=($(compgen -W \"$(_ferry_manager_ids ${kinds[npos]})\" -- \"$cur\"))\n"
    "    return\n"
    "  fi\n";

std::string bash_script(const CLI::App& root) {
  std::string arms;
  std::string sub_arms;
  add_arms(root, "", join(option_words(root)), arms, sub_arms);
  return fmt::format(
      "# bash completion for ferry-manager (generated by `ferry-manager completion bash`)\n"
      "{}"
      "_ferry_manager() {{\n"
      "  local cur=${{COMP_WORDS[COMP_CWORD]}} prev=${{COMP_WORDS[COMP_CWORD-1]}}\n"
      "  local path='' subs opts flags pos w i pend=0\n"
      "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      "    w=${{COMP_WORDS[i]}}\n"
      "    [[ $w == -* ]] && continue\n"
      "    subs=''\n"
      "    case \"$path\" in\n{}"
      "    esac\n"
      "    if [[ \" $subs \" == *\" $w \"* ]]; then path=\"${{path:+$path }}$w\"; pend=$i; fi\n"
      "  done\n"
      "  case \"$prev\" in\n{}"
      "  esac\n"
      "  subs=''; opts=''; flags=''; pos=''\n"
      "  case \"$path\" in\n{}"
      "  esac\n"
      "{}"
      "  if [[ $cur == -* || -z $subs ]]; then\n"
      "    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
      "  else\n"
      "    COMPREPLY=($(compgen -W \"$subs\" -- \"$cur\"))\n"
      "  fi\n"
      "}}\n"
      "complete -F _ferry_manager ferry-manager\n",
      kIdsFunction, sub_arms, value_arms(), arms, kPositionalPart);
}

// `completion ids KIND`: one id per line, in config file order.
Result<std::string> config_ids(const Context& ctx, const std::string& kind) {
  const config::ConfigFileSpec* spec = nullptr;
  if (kind == "remote") spec = &config::remote_config_file();
  if (kind == "datastore") spec = &config::datastore_config_file();
  if (kind == "sync-job") spec = &config::sync_config_file();
  if (kind == "verify-job") spec = &config::verification_config_file();
  if (kind == "user") spec = &auth::user_config_file();
  if (spec == nullptr) {
    return make_error(Errc::InvalidArgument,
                      "unknown id kind '{}' (remote, datastore, sync-job, verify-job, user)", kind);
  }
  FERRY_TRY_ASSIGN(auto cfg, config::read_config(ctx.config_dir, *spec));
  std::string out;
  bool has_root = false;
  for (const config::Section& s : cfg.data.sections()) {
    if (kind == "user" && s.type != "user") continue;  // API tokens are not user ids
    has_root = has_root || s.id == "root@pam";
    out += s.id + "\n";
  }
  // PBS-compat: root@pam exists even when user.cfg does not list it (auth/user_config.h).
  if (kind == "user" && !has_root) out = "root@pam\n" + out;
  return out;
}

}  // namespace

void add_completion_command(CLI::App& app, Action& selected) {
  auto* cmd = app.add_subcommand("completion", "print a shell completion script");
  cmd->require_subcommand(1);
  auto* bash = cmd->add_subcommand("bash",
                                   "bash completion; source it or copy it to "
                                   "/usr/share/bash-completion/completions/ferry-manager");
  const CLI::App* root = &app;
  bash->callback([&selected, root] {
    selected = [root](const Context&) -> Result<std::string> { return bash_script(*root); };
  });
  // Hidden: what the script calls for config ids.
  auto* ids = cmd->add_subcommand("ids", "config ids for completion, one per line")->group("");
  auto kind = std::make_shared<std::string>();
  ids->add_option("kind", *kind, "remote, datastore, sync-job, verify-job or user")->required();
  on_parsed(ids, selected, kind, config_ids);
}

}  // namespace ferry::cli::internal
