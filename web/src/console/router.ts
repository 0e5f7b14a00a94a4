import { createRouter, createWebHistory, type RouteRecordRaw } from "vue-router";
import { staff } from "./auth";

// Each page is its own chunk: a dispatcher never downloads the admin pages.
const routes: RouteRecordRaw[] = [
  { path: "/signin", name: "signin", component: () => import("./views/SignIn.vue"), meta: { public: true } },
  { path: "/", redirect: { name: "queue", params: { queue: "dispatch" } } },
  { path: "/queues/:queue", name: "queue", component: () => import("./views/QueueView.vue"), props: true },
  { path: "/tickets/:number", name: "ticket", component: () => import("./views/TicketView.vue"), props: true },
  { path: "/knowledge", name: "knowledge", component: () => import("./views/KnowledgeView.vue") },
  { path: "/incidents", name: "incidents", component: () => import("./views/IncidentsView.vue") },
  { path: "/incidents/:id", name: "incident", component: () => import("./views/IncidentView.vue"), props: true },
  { path: "/reports", name: "reports", component: () => import("./views/ReportsView.vue") },
  { path: "/admin/calendars", name: "calendars", component: () => import("./views/admin/CalendarsView.vue") },
  { path: "/admin/policies", name: "policies", component: () => import("./views/admin/PoliciesView.vue") },
  { path: "/admin/routing", name: "routing", component: () => import("./views/admin/RoutingView.vue") },
  { path: "/admin/units", name: "units", component: () => import("./views/admin/UnitsView.vue") },
  { path: "/admin/partners", name: "partners", component: () => import("./views/admin/PartnersView.vue") },
];

export const router = createRouter({ history: createWebHistory("/console/"), routes });

router.beforeEach((to) => {
  if (!to.meta.public && !staff.value) return { name: "signin", query: { next: to.fullPath } };
  return true;
});
