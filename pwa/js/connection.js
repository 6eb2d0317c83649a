/* A quiet note while there is no connection: Tend keeps working either way. */
import { h } from "./dom.js";

function show() {
  const status = document.getElementById("status");
  if (navigator.onLine) {
    status.replaceChildren();
    status.classList.remove("visible");
  } else {
    status.replaceChildren(h("p", {}, "You're offline. Tend still works on this device."));
    status.classList.add("visible");
  }
}

export function watchConnection() {
  window.addEventListener("online", show);
  window.addEventListener("offline", show);
  show();
}
