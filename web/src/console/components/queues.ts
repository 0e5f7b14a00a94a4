// The work queues (工单队列): which listing each is, and who works it. The API lets any staff member list tickets (a
// unit handler its own unit's only); a queue is shown to the roles whose work it is.
import { hasRole, staff, type Role } from "../auth";

export type Query = Record<string, string | boolean>;

export interface Section {
  /** A heading when a queue has more than one table. */
  title?: string;
  path: "/v1/staff/tickets" | "/v1/staff/callbacks";
  query: Query;
}

export interface Queue {
  id: string;
  label: string;
  roles: Role[];
  sections: () => Section[];
  /** The listing takes `category=` (the callback queue does not). */
  byCategory: boolean;
  /** Needs the signed-in member's unit. */
  needsUnit?: boolean;
}

const CENTRE: Role[] = ["agent", "dispatcher", "supervisor", "admin"];
const TICKETS = "/v1/staff/tickets";

export const QUEUES: Queue[] = [
  {
    id: "dispatch",
    label: "待派单",
    roles: CENTRE,
    byCategory: true,
    sections: () => [{ path: TICKETS, query: { status: "received" } }],
  },
  {
    id: "inbox",
    label: "本单位待办",
    roles: ["unit"],
    byCategory: true,
    needsUnit: true,
    sections: () => {
      const unit = staff.value?.unitId ?? "";
      return [
        { title: "待签收", path: TICKETS, query: { unit, status: "dispatched" } },
        { title: "办理中", path: TICKETS, query: { unit, status: "in_progress" } },
        { title: "待补充材料", path: TICKETS, query: { unit, status: "awaiting_customer" } },
      ];
    },
  },
  {
    id: "overdue",
    label: "超期",
    roles: [...CENTRE, "unit"],
    byCategory: true,
    sections: () => [{ path: TICKETS, query: { overdue: true } }],
  },
  {
    id: "callbacks",
    label: "待回访",
    roles: ["agent", "supervisor", "admin"],
    byCategory: false,
    sections: () => [{ path: "/v1/staff/callbacks", query: {} }],
  },
  {
    id: "extensions",
    label: "延期待审批",
    roles: ["supervisor", "admin"],
    byCategory: true,
    sections: () => [{ path: TICKETS, query: { extension: "pending" } }],
  },
  {
    id: "supervised",
    label: "督办",
    roles: ["supervisor", "admin", "unit"],
    byCategory: true,
    sections: () => [{ path: TICKETS, query: { supervised: true } }],
  },
  {
    id: "problem",
    label: "问题工单",
    roles: ["supervisor", "admin"],
    byCategory: true,
    sections: () => [{ path: TICKETS, query: { problem: true } }],
  },
];

/** The queues the signed-in member works. */
export function myQueues(): Queue[] {
  return QUEUES.filter((queue) => hasRole(...queue.roles) && (!queue.needsUnit || Boolean(staff.value?.unitId)));
}

/** Where a member starts after signing in: their first queue, or the knowledge base when they work none. */
export function homeRoute(): { name: string; params?: Record<string, string> } {
  const first = myQueues()[0];
  return first ? { name: "queue", params: { queue: first.id } } : { name: "knowledge" };
}
