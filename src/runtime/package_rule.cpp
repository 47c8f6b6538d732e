// The package rule (see package_rule.h): seeds, the same-source family, and the walk through
// data-only and same-source dependencies.
#include "runtime/package_rule.h"

#include <algorithm>
#include <deque>
#include <set>

#include "elfpack/base/error.h"

namespace elfpack {

bool is_plumbing(const std::string& name, const InstalledPackage& p) {
  if (name == "tzdata" || name == "netbase") return false;
  if (name == "ucf") return true;
  return p.essential || p.priority == "required" || p.priority == "important";
}

bool is_c_runtime(const InstalledPackage& p) {
  if (p.source == "glibc" || p.source == "musl") return true;
  return p.source.starts_with("gcc-") && p.source.size() > 4 &&
         std::all_of(p.source.begin() + 4, p.source.end(), [](char c) { return c >= '0' && c <= '9'; });
}

namespace {

class Rule {
 public:
  explicit Rule(const PackageRuleInput& input) : in_(input), installed_(*input.installed) {
    for (const auto& [name, p] : installed_) {
      for (const auto& v : p.provides) {
        auto [it, inserted] = provider_.emplace(v, name);
        if (!inserted && installed_.at(it->second).order > p.order) it->second = name;
      }
    }
    for (const auto& name : in_.exclude_packages) {
      if (!installed_.contains(name)) throw Error("--exclude-package " + name + ": no such package is installed");
    }
  }

  PackageChoice run() {
    for (const auto& [listed, program] : in_.program_packages) {
      if (const auto it = installed_.find(listed.substr(0, listed.find(':'))); it != installed_.end() && !is_c_runtime(it->second)) {
        program_sources_.insert(it->second.source);
      }
    }
    for (const auto& [name, program] : in_.program_packages) add(name, "the package of " + program, true, true);
    for (const auto& [listed, path] : in_.owner_packages) {
      const std::string name = listed.substr(0, listed.find(':'));
      const auto it = installed_.find(name);
      if (it != installed_.end() && is_c_runtime(it->second)) {
        if (c_runtime_.insert(name).second) {
          choice_.notes.push_back("package " + name + ": the C runtime: its libraries are in the closure, nothing else comes");
        }
        continue;
      }
      const bool library = it == installed_.end() || !program_sources_.contains(it->second.source);
      add(listed, "owns " + path + " of the closure", false, false, library, true);
    }
    for (const auto& name : in_.add_packages) {
      if (!installed_.contains(name)) throw Error("--add-package " + name + ": no such package is installed");
      add(name, "--add-package", true, true);
    }
    walk();
    family();
    walk();
    return std::move(choice_);
  }

 private:
  // `seed`: a program's package, or --add-package: chosen whatever its kind (but excluded ones).
  // `own`: a program's own (a seed, its family, and what they bring of their source), whose
  // same-source dependencies come.
  // A package the lists name but the status database does not know (a root without one) is
  // chosen by its list's name when it is a seed, and not walked from.
  // `library`: chosen only through the closures' libraries (ChosenPackage::through_library).
  void add(const std::string& listed, const std::string& why, bool seed, bool own, bool library = false,
           bool owner = false) {
    const std::string name = listed.substr(0, listed.find(':'));
    if (chosen_.contains(name)) {
      // Reached again otherwise (--add-package of a library's package): no longer only through a
      // library. (Seeds come before the walk: what it brought of it is not walked yet.)
      if (!library && library_.erase(name) != 0) {
        for (auto& c : choice_.chosen) c.through_library = c.through_library && c.name != name;
      }
      return;
    }
    if (excluded(name)) {
      choice_.notes.push_back("package " + name + ": left out by --exclude-package");
      return;
    }
    if (!seed && never_brought(name)) {
      choice_.notes.push_back("package " + name + ": left out (development, documentation, debug or test package)");
      return;
    }
    const auto it = installed_.find(name);
    if (it == installed_.end() && !seed) return;
    chosen_.insert(name);
    if (own) own_.insert(name);
    if (library) library_.insert(name);
    // The list's name the owners came from, else the one the status database implies.
    choice_.chosen.push_back({name, listed != name || it == installed_.end() ? listed : it->second.listed, why, library, owner});
    if (it != installed_.end()) pending_.push_back(name);
  }

  bool excluded(const std::string& name) const {
    return std::find(in_.exclude_packages.begin(), in_.exclude_packages.end(), name) != in_.exclude_packages.end();
  }

  // The installed package that satisfies a group of alternatives: the first installed one, or
  // the first installed provider of a virtual one.
  const std::string* satisfier(const std::vector<std::string>& group) const {
    for (const auto& alternative : group) {
      if (const auto it = installed_.find(alternative); it != installed_.end()) return &it->first;
      if (const auto it = provider_.find(alternative); it != provider_.end()) return &it->second;
    }
    return nullptr;
  }

  void walk() {
    while (!pending_.empty()) {
      const std::string from = pending_.front();
      pending_.pop_front();
      const InstalledPackage& p = installed_.at(from);
      for (const auto& group : p.depends) {
        const std::string* to = satisfier(group);
        if (to == nullptr || chosen_.contains(*to) || excluded(*to) || never_brought(*to)) continue;
        const InstalledPackage& q = installed_.at(*to);
        if (is_c_runtime(q)) continue;
        if (q.source == p.source && own_.contains(from)) {
          add(*to, "built from the same source as " + from + ", which depends on it", false, true);
        } else if (!is_plumbing(*to, q) && !ships_elf(q.listed)) {
          add(*to, "data: " + from + " depends on it, and it ships no ELF object", false, false, library_.contains(from));
        }
      }
    }
  }

  bool ships_elf(const std::string& listed) {
    auto it = ships_elf_.find(listed);
    if (it == ships_elf_.end()) it = ships_elf_.emplace(listed, in_.ships_elf ? in_.ships_elf(listed) : true).first;
    return it->second;
  }

  // One step: installed packages of a program's package's source that depend on a chosen
  // package of that source (libpython3.11-stdlib on libpython3.11-minimal, gpg-agent on gpgconf).
  void family() {
    const std::set<std::string>& sources = program_sources_;
    std::vector<std::pair<std::string, std::string>> found;  // name, why
    for (const auto& [name, p] : installed_) {
      if (!sources.contains(p.source) || chosen_.contains(name) || is_plumbing(name, p)) continue;
      for (const auto& group : p.depends) {
        const std::string* to = satisfier(group);
        if (to == nullptr || !chosen_.contains(*to) || installed_.at(*to).source != p.source) continue;
        found.emplace_back(name, "of the same source (" + p.source + ") as " + *to + ", and depends on it");
        break;
      }
    }
    for (const auto& [name, why] : found) add(name, why, false, true);
  }

  const PackageRuleInput& in_;
  const std::map<std::string, InstalledPackage>& installed_;
  std::map<std::string, std::string> provider_;  // virtual package -> its first installed provider
  std::set<std::string> chosen_, own_, c_runtime_, library_;
  std::set<std::string> program_sources_;  // the sources of the programs' packages (but the C runtime's)
  std::deque<std::string> pending_;  // chosen, their dependencies not yet walked
  std::map<std::string, bool> ships_elf_;
  PackageChoice choice_;
};

}  // namespace

bool never_brought(const std::string& name) {
  for (const char* suffix : {"-dev", "-doc", "-dbg", "-dbgsym", "-tests", "-testsuite", "-examples"}) {
    if (name.ends_with(suffix)) return true;
  }
  return name.starts_with("idle-") || name == "idle";
}

PackageChoice choose_packages(const PackageRuleInput& input) { return Rule(input).run(); }

}  // namespace elfpack
