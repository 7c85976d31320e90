#!/usr/bin/python3
"""Drives ferryd's REST API with python3-proxmoxer, unchanged, as PBS tooling would.

Run by tests/integration/api_proxmoxer_test.cc against an in-process server:

    proxmoxer_test.py --port N --user admin@pbs --password PW --token-name ci --token-value S

Logs in with the password and with the API token, and lists, creates, updates and deletes
remotes and sync jobs. Exits non-zero on the first failure and prints a summary line.
"""
import argparse
import sys

from proxmoxer import ProxmoxAPI
from proxmoxer.core import ResourceException

RESULTS = {"passed": 0, "failed": 0}


def check(name, condition, detail=""):
    if condition:
        RESULTS["passed"] += 1
    else:
        RESULTS["failed"] += 1
        print(f"FAIL {name}: {detail}", file=sys.stderr)


def crud(api, label, suffix):
    remote = f"pbs-{suffix}"
    api.config.remote.post(name=remote, host="pbs2.example", password="remote-secret",
                           comment="offsite", **{"auth-id": "sync@pbs"})
    remotes = {r["name"]: r for r in api.config.remote.get()}
    check(f"{label}: remote listed", remote in remotes, remotes)
    check(f"{label}: no password", "password" not in remotes.get(remote, {}), remotes)
    api.config.remote(remote).put(host="pbs3.example", port=8008)
    got = api.config.remote(remote).get()
    check(f"{label}: remote updated", got.get("host") == "pbs3.example" and got.get("port") == 8008,
          got)
    api.config.remote(remote).put(delete=["comment", "port"])
    got = api.config.remote(remote).get()
    check(f"{label}: remote props deleted", "comment" not in got and "port" not in got, got)

    job = f"job-{suffix}"
    api.config.sync.post(id=job, store="store1", remote=remote, schedule="hourly",
                         **{"remote-store": "rstore", "remove-vanished": True})
    jobs = {j["id"]: j for j in api.config.sync.get()}
    check(f"{label}: job listed", job in jobs, jobs)
    check(f"{label}: bool round-trip", jobs.get(job, {}).get("remove-vanished") is True, jobs)
    api.config.sync(job).put(comment="nightly", delete=["schedule"])
    got = api.config.sync(job).get()
    check(f"{label}: job updated", got.get("comment") == "nightly" and "schedule" not in got, got)

    try:
        api.config.remote(remote).delete()
        check(f"{label}: remote in use refused", False, "delete succeeded")
    except ResourceException as e:
        check(f"{label}: remote in use refused", e.status_code == 400, e)
    api.config.sync(job).delete()
    api.config.remote(remote).delete()
    check(f"{label}: all removed",
          remote not in {r["name"] for r in api.config.remote.get()} and
          job not in {j["id"] for j in api.config.sync.get()})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--token-name", required=True)
    parser.add_argument("--token-value", required=True)
    args = parser.parse_args()

    api = ProxmoxAPI(args.host, port=args.port, user=args.user, password=args.password,
                     service="PBS", verify_ssl=False)
    version = api.version.get()
    check("password: version", version.get("version") == "3.2", version)
    stores = [d["store"] for d in api.admin.datastore.get()]
    check("password: datastore list", stores == ["store1"], stores)
    crud(api, "password", "pw")

    tok = ProxmoxAPI(args.host, port=args.port, user=args.user, token_name=args.token_name,
                     token_value=args.token_value, service="PBS", verify_ssl=False)
    check("token: version", tok.version.get().get("release") == "4")
    crud(tok, "token", "tok")

    bad = ProxmoxAPI(args.host, port=args.port, user=args.user, token_name=args.token_name,
                     token_value="wrong", service="PBS", verify_ssl=False)
    try:
        bad.version.get()
        check("bad token refused", False, "request succeeded")
    except ResourceException as e:
        check("bad token refused", e.status_code == 401, e)

    print(f"{RESULTS['passed']} passed, {RESULTS['failed']} failed")
    return 0 if RESULTS["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
