/** The trigger's options, with their defaults, and the events it can select. */
import type { IDataObject } from 'n8n-workflow';

import { ALL_EVENTS } from '../shared/events';

const KNOWN_EVENTS = new Set(ALL_EVENTS.filter((event) => event !== 'other'));

/** When the OK leaves (docs/design/delivery.md §1): n8n sends it, or the run as its last step. */
export type AnswerOk = 'whenStored' | 'whenRunStarts';

export interface TriggerOptions {
	answerOk: AnswerOk;
	events: string[];
	/** Whether the status lookup runs: "Fetch Sale Details", or implied by grantOnlyWhenConfirmed. */
	fetchSaleDetails: boolean;
	/** "Grant Access Only When Confirmed": an unconfirmed grant or extend becomes access.action none. */
	grantOnlyWhenConfirmed: boolean;
	ignoreRepeats: boolean;
	allowSha1: boolean;
	runTestPostbacks: boolean;
}

/** From this node version on, Fetch Sale Details is on unless turned off: the buyer's e-mail comes on the first try. */
export const SALE_DETAILS_BY_DEFAULT_FROM = 2;

/** Options collection with the documented defaults of the node's version filled in. */
export function resolveOptions(raw: IDataObject | undefined, nodeVersion = 1): TriggerOptions {
	const options = raw ?? {};
	const fetchByDefault = nodeVersion >= SALE_DETAILS_BY_DEFAULT_FROM;
	const grantOnlyWhenConfirmed = options.grantOnlyWhenConfirmed === true;
	return {
		answerOk: options.answerOk === 'whenRunStarts' ? 'whenRunStarts' : 'whenStored',
		events: Array.isArray(options.events) ? options.events.map(String) : ALL_EVENTS,
		// Implied: without the lookup there is nothing to confirm, and the option would hold back every grant.
		fetchSaleDetails:
			(fetchByDefault ? options.fetchSaleDetails !== false : options.fetchSaleDetails === true) ||
			grantOnlyWhenConfirmed,
		grantOnlyWhenConfirmed,
		ignoreRepeats: options.ignoreRepeats !== false,
		allowSha1: options.allowSha1 !== false,
		runTestPostbacks: options.runTestPostbacks === true,
	};
}

/** Whether the (normalised) event is among the selected ones; unknown events count as `other`. */
export function isEventSelected(event: string, selected: string[]): boolean {
	return selected.includes(KNOWN_EVENTS.has(event) ? event : 'other');
}
