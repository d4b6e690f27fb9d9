import type { INodePropertyOptions } from 'n8n-workflow';

import type { KnownPostbackEvent } from '../../lib';

const EVENT_LABELS: Record<KnownPostbackEvent | 'other', { name: string; description: string }> = {
	cancel: { name: 'Cancel', description: 'A subscription was cancelled' },
	chargeback: { name: 'Chargeback', description: 'The buyer’s bank reversed a payment' },
	credit: { name: 'Credit (Refund)', description: 'A payment was refunded' },
	downgrade: { name: 'Downgrade', description: 'A subscription was downgraded' },
	expiry: { name: 'Expiry', description: 'A subscription expired' },
	extend: { name: 'Extend', description: 'A subscription was extended' },
	initial: { name: 'Initial (Subscription Start)', description: 'A new subscription was paid' },
	other: { name: 'Other', description: 'Any event this node does not know yet' },
	purchase: { name: 'Purchase', description: 'A one-off purchase was paid' },
	rebill: { name: 'Rebill', description: 'A subscription was charged again' },
	uncancel: { name: 'Uncancel', description: 'A cancelled subscription was resumed' },
	upgrade: { name: 'Upgrade', description: 'A subscription was upgraded' },
};

/**
 * The postback events as both nodes offer them (the trigger's "Events" option,
 * Send Test Postback's "Event"), sorted by label; `other` stands for events this
 * version does not know.
 */
export const EVENT_OPTIONS: INodePropertyOptions[] = Object.entries(EVENT_LABELS)
	.map(([value, { name, description }]) => ({ name, value, description }))
	.sort((a, b) => a.name.localeCompare(b.name));

/** Every event value, `other` included: the trigger's default selection. */
export const ALL_EVENTS: string[] = EVENT_OPTIONS.map((option) => String(option.value));

/** The events a sample postback can be: every known one, so all but `other`. */
export const KNOWN_EVENT_OPTIONS: INodePropertyOptions[] = EVENT_OPTIONS.filter(
	(option) => option.value !== 'other',
);
