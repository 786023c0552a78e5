import type { CustomerDetail } from '@shared/customers';

/** First and last name as the shop recorded them, or null when it recorded neither. */
export const fullName = (customer: Pick<CustomerDetail, 'firstName' | 'lastName'>): string | null =>
  [customer.firstName, customer.lastName].filter(Boolean).join(' ').trim() || null;

/** Statuses the importer writes; anything else is shown as it came. */
export const ORDER_STATUSES = ['completed', 'pending', 'cancelled', 'refunded'] as const;

export const isKnownStatus = (status: string): status is (typeof ORDER_STATUSES)[number] =>
  (ORDER_STATUSES as readonly string[]).includes(status);
