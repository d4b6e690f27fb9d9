import type { IDataObject, IExecuteFunctions, INode } from 'n8n-workflow';
import { jsonParse, NodeOperationError } from 'n8n-workflow';

import {
	CONTROL_CENTER_CREDENTIAL_TYPE,
	CONTROL_CENTER_DEFAULT_BASE_URL,
} from '../../../credentials/VerotelControlCenterApi.credentials';
import { excerpt, isVerotelId, VEROTEL_ID_MAX_DIGITS } from '../../../lib';
import { credentialMask, maskCredentials, showHidden, type CredentialMask } from './credentialMask';
import { safeApiError } from '../helpers/errors';
import { requestAnswer } from './request';

export const CONTROL_CENTER_TIMEOUT_MS = 30000;

/** Verotel's answer to a cancel of a sale that is already cancelled (HTTP 412). */
const ALREADY_CANCELLED_TITLE = /^\s*this sale is already cancell?ed\.?\s*$/i;

const CHECK_BASE_URL = `Check the Base URL of the Verotel Control Center API credential (default ${CONTROL_CENTER_DEFAULT_BASE_URL}); change it only for a proxy or a test server.`;
const RETRY_IS_SAFE =
	'a sale that is already cancelled is reported as cancelled, so running the node again is safe';

interface ControlCenterLogin {
	baseUrl: string;
	/** The password in every form it may come back in, to mask in whatever Verotel's answer shows. */
	mask: CredentialMask;
}

/** The most of Verotel's `error.title` an error shows, `…` included. */
const TITLE_MAX_LENGTH = 200;

/**
 * Verotel's numeric saleID, as text. Refuses anything but a Verotel ID before any
 * request, naming the field.
 */
export function readSaleId(node: INode, value: unknown, itemIndex: number): string {
	const howTo =
		"Use Verotel's numeric saleID of the subscription, e.g. {{ $json.saleID }} from the Verotel FlexPay Trigger or a success redirect (not your own Reference ID).";
	const text =
		typeof value === 'string'
			? value.trim()
			: typeof value === 'number'
				? String(value)
				: undefined;
	if (value === undefined || value === null || text === '') {
		throw new NodeOperationError(node, 'Sale ID is empty', {
			itemIndex,
			description: `Parameter: Sale ID. ${howTo}`,
		});
	}
	if (text === undefined || !isVerotelId(text)) {
		const shown = text === undefined ? '' : ` "${excerpt(text, 40)}"`;
		throw new NodeOperationError(node, `Sale ID${shown} is not a numeric Verotel sale ID`, {
			itemIndex,
			description: `Parameter: Sale ID. It must be 1 to ${VEROTEL_ID_MAX_DIGITS} digits. ${howTo}`,
		});
	}
	return text;
}

/** The credential's Base URL without trailing slashes; empty means Verotel's address. The value is never quoted. */
export function controlCenterBaseUrl(node: INode, value: unknown, itemIndex: number): string {
	let base = typeof value === 'string' ? value.trim() : '';
	if (base === '') base = CONTROL_CENTER_DEFAULT_BASE_URL;
	while (base.endsWith('/')) base = base.slice(0, -1);
	if (!/^https?:\/\/[^\s/?#@]+(\/[^\s?#]*)?$/i.test(base)) {
		throw new NodeOperationError(
			node,
			'The Base URL of the Verotel Control Center API credential is not an http(s) address',
			{
				itemIndex,
				description: `Enter an address such as ${CONTROL_CENTER_DEFAULT_BASE_URL} (without user, password, query or #), or reset the field to its default.`,
			},
		);
	}
	return base;
}

async function readLogin(this: IExecuteFunctions, itemIndex: number): Promise<ControlCenterLogin> {
	const credentials = await this.getCredentials(CONTROL_CENTER_CREDENTIAL_TYPE, itemIndex);
	const username = typeof credentials.username === 'string' ? credentials.username : '';
	const password = typeof credentials.password === 'string' ? credentials.password : '';
	return {
		baseUrl: controlCenterBaseUrl(this.getNode(), credentials.baseUrl, itemIndex),
		mask: credentialMask(username, password),
	};
}

/**
 * The longest answer body that is parsed. Verotel's answers to a cancel are a
 * few hundred bytes; a longer body is none of them, and parsing a large hostile
 * one (deeply nested brackets) would hold up n8n for nothing. Such a body
 * counts as no JSON: the cancel is not confirmed and no title is shown.
 */
export const CONTROL_CENTER_MAX_ANSWER_LENGTH = 64 * 1024;

function bodyObject(body: unknown): IDataObject | undefined {
	if (body !== null && typeof body === 'object' && !Array.isArray(body) && !Buffer.isBuffer(body))
		return body as IDataObject;
	if (
		(typeof body !== 'string' && !Buffer.isBuffer(body)) ||
		body.length > CONTROL_CENTER_MAX_ANSWER_LENGTH
	)
		return undefined;
	const text = typeof body === 'string' ? body : body.toString('utf8');
	const parsed = jsonParse<unknown>(text, { fallbackValue: null });
	return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
		? (parsed as IDataObject)
		: undefined;
}

/**
 * The most of Verotel's `error.title` that is read. Masking can shorten it (a
 * password becomes `***`), so more than the 200 shown characters are read, but
 * not all of a title that may be megabytes long.
 */
const TITLE_READ_LENGTH = 1000;

/**
 * Verotel's `error.title` as an error may show it: trimmed, hidden characters
 * as `?`, the credential masked, cut to 200 characters. Masking runs on the
 * title as received (a password split by a line break is found before the
 * break turns into `?`) and again on the title as shown; only the cut, which
 * just drops the end, comes after it, and the error's message is masked once
 * more as a whole (safeMessage). A password that starts in the part read is
 * masked even when it ends beyond it.
 */
export function verotelTitle(
	body: IDataObject | undefined,
	mask: CredentialMask,
): string | undefined {
	const title = errorTitleOf(body);
	if (title === undefined) return undefined;
	const read = Math.min(title.length, TITLE_READ_LENGTH);
	const visible = maskCredentials(showHidden(maskCredentials(title, mask, read)), mask);
	if (read === title.length && visible.length <= TITLE_MAX_LENGTH) return visible;
	let end = Math.min(visible.length, TITLE_MAX_LENGTH - 1);
	// Never end on the first half of a surrogate pair.
	const last = visible.charCodeAt(end - 1);
	if (end < visible.length && last >= 0xd800 && last <= 0xdbff) end--;
	return `${visible.slice(0, end)}…`;
}

/** Verotel's `error.title`, trimmed; undefined when there is none. */
function errorTitleOf(body: IDataObject | undefined): string | undefined {
	const error = body?.error;
	const title =
		error !== null && typeof error === 'object' && !Array.isArray(error)
			? (error as IDataObject).title
			: undefined;
	if (typeof title !== 'string') return undefined;
	const trimmed = title.trim();
	return trimmed === '' ? undefined : trimmed;
}

/** What Verotel's answer to a cancel says: cancelled now, cancelled before, or refused (with its title, made safe by verotelTitle). */
export type CancelAnswer =
	| { outcome: 'cancelled' }
	| { outcome: 'alreadyCancelled' }
	| { outcome: 'refused'; title?: string };

/**
 * Reads Verotel's answer to `POST /sale/{saleID}/cancel`. 200 with
 * `is_success: true` = cancelled; 412 "This sale is already cancelled." =
 * cancelled before; anything else is refused. The body comes from outside, so
 * it is read in linear time: JSON.parse of at most 64 KB, then at most the
 * first 1000 characters of the title (and what a password starting there needs).
 */
export function readCancelAnswer(
	statusCode: number,
	body: unknown,
	mask: CredentialMask,
): CancelAnswer {
	const answer = bodyObject(body);
	if (statusCode === 200 && answer?.is_success === true) return { outcome: 'cancelled' };
	const raw = errorTitleOf(answer);
	// Judged on Verotel's own words, so a password that happens to hold one of them cannot turn this success
	// into an error; the title is a few dozen characters, so a longer one is another title.
	if (
		statusCode === 412 &&
		raw !== undefined &&
		raw.length <= 60 &&
		ALREADY_CANCELLED_TITLE.test(raw)
	) {
		return { outcome: 'alreadyCancelled' };
	}
	return { outcome: 'refused', title: verotelTitle(answer, mask) };
}

/**
 * The message of an error that quotes Verotel's title, masked once more as a
 * whole, as the last step. Should masking ever leave a credential form behind
 * (a password such as `a***b`, which `***` can recreate), the title is left out.
 */
function safeMessage(message: string, title: string | undefined, mask: CredentialMask): string {
	const once = maskCredentials(`${message}${title ? `: ${title}` : ''}`, mask);
	return maskCredentials(once, mask) === once ? once : maskCredentials(message, mask);
}

function howToFix(statusCode: number): string {
	if (statusCode === 401) {
		return 'Verotel rejected the API user or password. Check API User and Password in the Verotel Control Center API credential (its Test button tells whether they work); if you do not have them, ask Verotel merchant support.';
	}
	if (statusCode === 403) {
		return 'The Control Center API may not be activated for this account, or this API user may not cancel this sale. Verotel activates the API per merchant: ask Verotel merchant support.';
	}
	if (statusCode === 404) {
		return `Verotel does not know a sale with this ID for this account. Use Verotel's numeric saleID of the subscription (from the postback or the success redirect), not your own Reference ID. If every sale answers 404, check the Base URL of the credential and ask Verotel merchant support whether the Control Center API is activated for this account.`;
	}
	if (statusCode === 412) {
		return "Verotel cannot cancel this sale in its current state (see Verotel's message). Check the sale in Control Center.";
	}
	if (statusCode === 429) {
		return `Verotel asks to slow down. Try again later, or turn on Retry On Fail with a longer wait (${RETRY_IS_SAFE}).`;
	}
	if (statusCode >= 500) {
		return `Verotel Control Center could not answer right now. Try again later, or turn on Retry On Fail in the node settings (${RETRY_IS_SAFE}).`;
	}
	return `Check the Sale ID and the API Version of the Verotel Control Center API credential. ${CHECK_BASE_URL} If it keeps failing, ask Verotel merchant support.`;
}

/**
 * Cancels a subscription: `POST <baseUrl>/sale/{saleID}/cancel`, authenticated
 * by the credential (HTTP Basic, Accept with the API version). 200 with
 * `is_success: true` = cancelled; 412 "This sale is already cancelled." =
 * cancelled before; every other answer is a NodeApiError with Verotel's
 * `error.title` and how to fix it.
 */
export async function cancelSale(
	this: IExecuteFunctions,
	saleID: string,
	itemIndex: number,
): Promise<{ alreadyCancelled: boolean }> {
	const login = await readLogin.call(this, itemIndex);
	const response = await requestAnswer.call(
		this,
		{
			method: 'POST',
			url: `${login.baseUrl}/sale/${saleID}/cancel`,
			timeout: CONTROL_CENTER_TIMEOUT_MS,
			credentialType: CONTROL_CENTER_CREDENTIAL_TYPE,
			timedOut: {
				message: `Verotel Control Center did not answer within ${CONTROL_CENTER_TIMEOUT_MS} ms (sale ${saleID})`,
				description: `The sale may or may not be cancelled now: check it in Control Center, or run the node again (${RETRY_IS_SAFE}).`,
			},
			unreachable: {
				message: 'Could not connect to Verotel Control Center',
				description: `${CHECK_BASE_URL} Also check that this n8n instance can reach the internet (proxy, firewall). If the connection broke after the request was sent, the sale may be cancelled already; ${RETRY_IS_SAFE}.`,
			},
		},
		itemIndex,
	);

	const statusCode = Number(response.statusCode);
	const answer = readCancelAnswer(statusCode, response.body, login.mask);
	if (answer.outcome === 'cancelled') return { alreadyCancelled: false };
	if (answer.outcome === 'alreadyCancelled') return { alreadyCancelled: true };

	if (statusCode >= 200 && statusCode < 300) {
		throw safeApiError(
			this.getNode(),
			itemIndex,
			safeMessage(
				`Verotel Control Center did not confirm the cancellation of sale ${saleID}`,
				answer.title,
				login.mask,
			),
			`Verotel answered HTTP ${statusCode} without "is_success": true. Check the sale in Control Center before running the node again. ${CHECK_BASE_URL}`,
			String(statusCode),
		);
	}
	throw safeApiError(
		this.getNode(),
		itemIndex,
		safeMessage(
			`Verotel Control Center could not cancel sale ${saleID} (HTTP ${statusCode})`,
			answer.title,
			login.mask,
		),
		howToFix(statusCode),
		String(statusCode),
	);
}
