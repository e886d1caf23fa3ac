// Sign-in: the sign-in form, who is signed in, and sign-out. The page keeps no token: the
// server answers a good one with an HttpOnly session cookie (see docs/security.md).

import * as api from "./api.js";
import { refusal } from "./errors.js";
import { t } from "./i18n.js";

const $ = (id) => document.getElementById(id);
let signedInAs = null;

export function setUp() {
  $("sign-in-form").addEventListener("submit", submitSignIn);
  $("sign-out").addEventListener("click", signOut);
}

// The session first: a visitor who is not signed in sees the sign-in form and nothing else
// (no job list is even asked for). With sign-in off the server answers as "local".
export async function signedIn() {
  try {
    const session = await api.getSession();
    if (session.auth_required) {
      signedInAs = session.user;
      refreshLanguage();
      $("signed-in-as").hidden = false;
      $("sign-out").hidden = false;
    }
    return true;
  } catch (error) {
    if (error.status !== 401) throw error;
    $("sign-in").hidden = false;
    $("token").focus();
    return false;
  }
}

// The "signed in as" line, again in the page's language after a switch.
export function refreshLanguage() {
  if (signedInAs !== null) $("signed-in-as").textContent = t("auth.signedInAs", { name: signedInAs });
}

async function submitSignIn(event) {
  event.preventDefault();
  try {
    await api.signIn($("token").value.trim());
    window.location.reload();
  } catch (error) {
    $("sign-in-status").textContent = error.status === 401 ? t("auth.invalid") : refusal(error);
  }
}

async function signOut() {
  await api.signOut().catch(() => {});
  window.location.reload();
}
