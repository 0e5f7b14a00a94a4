import { nextTick } from "vue";
import { createRouter, createWebHistory, type RouteRecordRaw } from "vue-router";
import { i18n } from "./i18n";
import HomeView from "./views/HomeView.vue";

// Each page names its title (a message key); the home page is in the first download, the others load when opened.
const routes: RouteRecordRaw[] = [
  { path: "/", name: "home", component: HomeView, meta: { title: "home.title" } },
  { path: "/faq/:id", name: "faq", component: () => import("./views/FaqArticleView.vue"), props: true },
  { path: "/submit", name: "submit", component: () => import("./views/SubmitView.vue"), meta: { title: "submit.title" } },
  { path: "/submit/done", name: "done", component: () => import("./views/DoneView.vue"), meta: { title: "done.title" } },
  { path: "/track", name: "track-form", component: () => import("./views/TrackView.vue"), meta: { title: "track.title" } },
  {
    path: "/track/:number",
    name: "track",
    component: () => import("./views/TrackView.vue"),
    props: true,
    meta: { title: "track.title" },
  },
  {
    path: "/survey/:number",
    name: "survey",
    component: () => import("./views/SurveyView.vue"),
    props: true,
    meta: { title: "survey.title" },
  },
  {
    path: "/:unknown(.*)*",
    name: "not-found",
    component: () => import("./views/NotFoundView.vue"),
    meta: { title: "notFound.title" },
  },
];

export const router = createRouter({
  history: createWebHistory("/"),
  routes,
  scrollBehavior: (to, _from, saved) => saved ?? (to.hash ? { el: to.hash } : { top: 0 }),
});

/** The page's title in the tab: "<page> · <site>" (a page without its own title sets it itself). */
export function setTitle(page?: string): void {
  const site = i18n.global.t("site.name");
  document.title = page && page !== site ? `${page} · ${site}` : site;
}

// A page's code is fetched when first opened; after a new deployment an open tab asks for files that are gone, so it
// loads the page afresh (once) instead of staying where it was.
router.onError((error: Error, to) => {
  const stale = /dynamically imported module|Importing a module script failed/.test(error.message);
  if (stale && sessionStorage.getItem("hotline.reloaded") !== to.fullPath) {
    sessionStorage.setItem("hotline.reloaded", to.fullPath);
    window.location.assign(to.fullPath);
  }
});

router.afterEach((to, from) => {
  sessionStorage.removeItem("hotline.reloaded");
  const key = to.meta.title as string | undefined;
  if (key) setTitle(i18n.global.t(key));
  // A new page: move focus to its heading so screen readers announce it (not on the first load, nor for a query
  // change on the same page).
  if (from.matched.length > 0 && to.path !== from.path) {
    void nextTick(() => document.querySelector<HTMLElement>("main h1")?.focus());
  }
});
