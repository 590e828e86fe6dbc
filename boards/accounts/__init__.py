"""Accounts (等保 2.0 三级 身份鉴别): the second factor for privileged accounts, the password policy,
session lifetimes and the authentication log. Kernel-level like boards.kernel: no domain app
imports it; settings, urls and the demo seeder wire it in."""
